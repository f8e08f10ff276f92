// The page's state, all of it, declared here: what the person chose, the job being watched,
// and what the library sent. The modules read and write this one object. (Recent jobs keep
// their own cursor and cards in gallery.js, and each image place its download in images.js.)

export const state = {
  /** The aspect ratio chosen. */
  ratio: "16:9",
  /** The seed of the last completed job, for "Reuse last seed". */
  lastSeed: null,
  /** How long a job takes on average, in ms (the emulator says): paces the client's polling and
   * the estimate. */
  expectedMs: 15000,
  /** One client per connection: "emulator", or "proxy:<its URL>". */
  clients: new Map(),
  /** Every request the page's client made since the last submission (or resume): {method,
   * url, status} (the status once answered), for "What the library did" and delivery.js. */
  requests: [],
  /** The fault queued from "Try a failure" ({kind, count, label}), reported after the next job. */
  fault: null,
  /** The job being watched. */
  watch: {
    /** Aborts its wait (Cancel); null when no job is watched. */
    controller: null,
    /** Its id, once the service gave it; null while submitting. */
    jobId: null,
    /** The interval redrawing its panel. */
    timer: 0,
    /** When the watch started (performance.now()). */
    startedAt: 0,
    /** The highest progress the service reported. */
    reported: 0,
    /** It completed; or it stopped (failed, cancelled, timed out). */
    done: false,
    stopped: false,
  },
};
