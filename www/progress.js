// The job panel while a job is watched: its id and status, the progress the service reported
// (the bar is that, nothing more), the time left, shown apart and labelled an estimate, and how
// the job reaches the page (delivery.js).
import { showDelivery } from "./delivery.js";
import { state } from "./state.js";

const $ = (id) => document.getElementById(id);
const seconds = (ms) => (ms / 1000).toFixed(ms < 10000 ? 1 : 0);

/** Shows a job's status, and keeps the highest progress it reported. */
export function setStatus(job) {
  $("job-status").textContent = job.status;
  $("job-status").dataset.status = job.status;
  if (typeof job.progress === "number") state.watch.reported = Math.max(state.watch.reported, job.progress);
}

/** Redraws the bar, the estimate, the time elapsed and how the job reaches the page. */
function tick() {
  const { startedAt, done, stopped, reported } = state.watch;
  const elapsed = performance.now() - startedAt;
  const shown = done ? 100 : reported;
  $("progress").value = shown;
  $("progress-text").textContent = `${Math.floor(shown)} %`;
  const left = state.expectedMs - elapsed;
  $("estimate").textContent = done || stopped
    ? ""
    : left > 500 ? `Estimate: about ${seconds(left)} s left, from the average job.` : "Estimate: any moment now.";
  $("elapsed").textContent = `${(elapsed / 1000).toFixed(1)} s elapsed · about ${seconds(state.expectedMs)} s on average`;
  showDelivery();
}

/** Starts watching a job labelled `label` (its id, or "submitting…"); `controller` aborts it. */
export function startWatching(label, controller) {
  Object.assign(state.watch, { controller, jobId: null, reported: 0, done: false, stopped: false, startedAt: performance.now() });
  $("result").hidden = true;
  $("generate").disabled = true;
  $("cancel").hidden = false;
  $("status-panel").hidden = false;
  $("job-id").textContent = label;
  $("job-note").textContent = "";
  tick();
  state.watch.timer = setInterval(tick, 100);
}

/** Stops watching: the job completed (`state.watch.done`), stopped, or was given up. */
export function stopWatching() {
  clearInterval(state.watch.timer);
  tick();
  $("generate").disabled = false;
  $("cancel").hidden = true;
  state.watch.controller = null;
}
