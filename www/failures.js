// "Try a failure": queues one of the emulator's faults before the next request, then reports
// what the library did about it: the page's own count of what the library sent, and the
// emulator's count of what arrived.
import { emulatorStats, queueFault } from "./emulator.js";
import { state } from "./state.js";

const $ = (id) => document.getElementById(id);
/** Faults on the job's own outcome; the others are queued on the submission. */
const JOB_OUTCOMES = new Set(["job_failed", "job_cancelled"]);

/** Queues the fault chosen in the panel. */
export async function queueChosenFault() {
  const kind = $("fault-kind").value;
  const count = Math.min(5, Math.max(1, Number($("fault-count").value) || 1));
  const fault = { kind, count };
  if (!JOB_OUTCOMES.has(kind)) fault.route = "generate";
  if (kind === "429") fault.retryAfter = 1;
  if (kind === "slow") fault.delayMs = 2000;
  const res = await queueFault(fault);
  if (!res.ok) {
    $("fault-queued").textContent = `The emulator refused it (HTTP ${res.status}).`;
    return;
  }
  state.fault = { kind, count, label: $("fault-kind").selectedOptions[0].textContent };
  $("fault-queued").textContent = `Queued: ${state.fault.label}. Now generate.`;
}

/** The queued fault, now the next job's (null when none is queued). */
export function takeFault() {
  const fault = state.fault;
  state.fault = null;
  $("fault-queued").textContent = "";
  return fault;
}

/** Reports what the library did about `fault`; `outcome` is {job} or {error}, `before` the
 * emulator's stats from before the submission. */
export async function report(fault, { error }, before) {
  const after = await emulatorStats();
  const sent = state.requests.filter((r) => r.method === "POST").length;
  // Polls only: the page's downloads of images and its listings are GETs too.
  const looks = state.requests.filter((r) => r.method === "GET" && /\/v2\/jobs\/[^/?]+$/.test(new URL(r.url, location.href).pathname)).length;
  const delta = (k) => (before && after ? after.stats[k] - before.stats[k] : null);
  const received = delta("generateRequests");
  const created = delta("jobsCreated");
  const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;
  const items = [
    `Fault queued: ${fault.label} (${fault.count}×).`,
    `The library sent the submission ${plural(sent, "time", "times")} (${plural(Math.max(0, sent - 1), "retry", "retries")}, every one with the same Idempotency-Key)` +
      (received !== null ? `; the service received it ${plural(received, "time", "times")}${received > sent ? " (the browser itself resent it once when the connection dropped)" : ""}.` : "."),
    `Looks at the job: ${looks}.`,
  ];
  if (created !== null) {
    items.push(`Jobs created at the service: ${created}${received > 1 && created === 1 ? ": only one, although the submission arrived more than once, so only one is billed" : ""}.`);
  }
  if (error) {
    items.push(`Outcome: rejected with code "${error.code}", retryable: ${error.retryable}${error.status ? `, HTTP ${error.status}` : ""}${error.requestId ? `, requestId ${error.requestId}` : ""}${error.jobId ? `, jobId ${error.jobId}` : ""}.`);
  } else {
    items.push(`Outcome: the job completed${sent > 1 ? "; the retries were invisible to the caller" : ""}.`);
  }
  $("report-list").replaceChildren(...items.map((t) => Object.assign(document.createElement("li"), { textContent: t })));
  $("report").hidden = false;
}
