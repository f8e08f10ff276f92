// A job from the page: submit it (generate), wait for it with the reported progress, show the
// result or the failure; resume one still running; open a completed one.
import { emulatorStats } from "./emulator.js";
import { clearErrors, showError } from "./errors.js";
import { report, takeFault } from "./failures.js";
import { buildRequest, fillFrom } from "./form.js";
import { client, entryOf, refusedAtOnce, submissions } from "./library.js";
import { setStatus, startWatching, stopWatching } from "./progress.js";
import { showResult } from "./result.js";
import { state } from "./state.js";

const $ = (id) => document.getElementById(id);

/** The page's jobs; `settled()` runs after each one (to refresh Recent jobs). */
export function createJobs({ settled }) {
  /** Shows a completed job, read or downloaded with `c`; `request` is what the page sent. */
  function open(entry, c, request) {
    showResult(entry, { request, client: c, again: (shown) => { fillFrom(shown); generate(); } });
  }

  /** The client of the chosen connection, or none, with its error shown (a bad setting). */
  function clientOrShowError() {
    try {
      return client();
    } catch (e) {
      showError(e);
      return null;
    }
  }

  /** Submits the form's request and waits for its job. */
  async function generate(event) {
    event?.preventDefault();
    if ($("generate").disabled) return; // a job is being submitted or watched already
    clearErrors();
    const c = clientOrShowError();
    if (!c) return;
    const request = buildRequest();
    // Before anything is awaited: a second click must not start a second job.
    $("generate").disabled = true;
    const before = state.fault ? await emulatorStats() : null;
    state.requests = [];
    const controller = new AbortController();
    // The job's news, while this job is the one watched: its id and status from the submission's
    // answer, then each change `run` reports.
    const news = (job) => {
      if (state.watch.controller !== controller) return;
      if (!state.watch.jobId) {
        state.watch.jobId = job.id ?? job.jobId;
        $("job-id").textContent = state.watch.jobId;
      }
      setStatus(job);
    };
    const onAccepted = (e) => { if (!state.watch.jobId) news(e.detail); };
    submissions.addEventListener("accepted", onAccepted);
    // `run`, not `generate` then `waitForJob`: through a proxy with an event stream, the wait
    // follows the stream its submission's answer names, with no look first (2 requests a job).
    const running = c.run(request, { signal: controller.signal, onProgress: news });
    // A request the library refuses is refused before anything is sent: the field says why,
    // and there is no job to show (nor a queued fault used up, nor the last report hidden).
    const refused = await refusedAtOnce(running);
    if (refused) {
      submissions.removeEventListener("accepted", onAccepted);
      $("generate").disabled = false;
      return showError(refused);
    }
    const fault = takeFault();
    $("report").hidden = true;
    startWatching("submitting…", controller);
    setStatus({ status: "SUBMITTING" });
    let outcome;
    try {
      const job = await running;
      state.watch.done = true;
      state.lastSeed = request.reveParams.seed;
      $("seed-reuse").disabled = false;
      outcome = { job };
      open(entryOf(job, request), c, request);
    } catch (e) {
      outcome = { error: e };
      failed(e, state.watch.jobId ?? e?.jobId);
    } finally {
      submissions.removeEventListener("accepted", onAccepted);
      stopWatching();
    }
    if (fault) await report(fault, outcome, before);
    settled();
  }

  /** Waits again for a job that was still running (after a reload, a cancel or a timeout). */
  async function resume(jobId) {
    clearErrors();
    const c = clientOrShowError();
    if (!c) return;
    state.requests = [];
    startWatching(jobId, new AbortController());
    state.watch.jobId = jobId;
    try {
      const job = await c.waitForJob(jobId, { signal: state.watch.controller.signal, onProgress: setStatus });
      state.watch.done = true;
      open(entryOf(job), c);
    } catch (e) {
      failed(e, jobId);
    } finally {
      stopWatching();
    }
    settled();
  }

  return { generate, resume, open };
}

/** A job that did not complete: the error in words, and where the job is when it goes on. */
function failed(e, jobId) {
  state.watch.stopped = true;
  showError(e);
  if ((e?.code === "aborted" || e?.code === "timeout") && jobId) {
    $("job-note").textContent = `Job ${jobId} keeps running at the service: resume it from Recent jobs.`;
  }
  setStatus({ status: e?.job?.status ?? (e?.code === "aborted" ? "CANCELLED BY YOU" : "ERROR") });
}
