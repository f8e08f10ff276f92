// Running a batch from its journal's plan (cli-journal.js): the jobs already made are waited
// for by id, the others go through runMany with the Idempotency-Key saved for each; and what
// the command says about a resumed batch on stderr.
import { basename, dirname } from "node:path";

/** `{status, value | reason}` of a promise, as `Promise.allSettled` shapes it. */
const outcome = (promise) => promise.then((value) => ({ status: "fulfilled", value }), (reason) => ({ status: "rejected", reason }));

/**
 * Runs every job of `requests` as `plan` says (`{ jobId }`: wait for it; else submit it, with
 * `plan[i].key` as its Idempotency-Key when set); resolves with one settled entry per request,
 * in order. `onProgress(job, i)` as runMany calls it.
 */
export async function runBatch(client, requests, plan, { concurrency, signal, onProgress }) {
  const settled = new Array(requests.length);
  const submit = plan.flatMap((p, i) => (p.jobId ? [] : [i]));
  const submissions = client.runMany(submit.map((i) => requests[i]), {
    ...(concurrency === undefined ? {} : { concurrency }),
    idempotencyKeys: submit.map((i) => plan[i].key),
    signal,
    onProgress: (job, k) => onProgress(job, submit[k]),
  });
  await Promise.all([
    submissions.then((results) => results.forEach((r, k) => { settled[submit[k]] = r; })),
    ...plan.map(async (p, i) => {
      if (p.jobId) settled[i] = await outcome(client.waitForJob(p.jobId, { signal, onProgress: (job) => onProgress(job, i) }));
    }),
  ]);
  return settled;
}

const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** How long ago `iso` was, in words. */
function ago(iso, now = Date.now()) {
  const minutes = Math.max(0, Math.round((now - Date.parse(iso)) / 60000));
  if (!Number.isFinite(minutes)) return "earlier";
  if (minutes < 90) return `${plural(minutes, "minute")} ago`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${plural(hours, "hour")} ago` : `${plural(Math.round(hours / 24), "day")} ago`;
}

const where = (journal) => `${basename(journal.path)} in ${dirname(journal.path)}`;

/** stderr's line on a resumed batch: what is written, waited for, and submitted. */
export function resumeNote(journal) {
  const { plan } = journal;
  const written = plan.filter((p) => p.written).length;
  const made = plan.filter((p) => p.jobId && !p.written).length;
  const saved = plan.filter((p) => p.saved).length;
  const fresh = plan.filter((p) => !p.jobId && !p.saved);
  const again = fresh.filter((p) => p.again).length;
  const parts = [];
  if (written) parts.push(`${plural(written, "job")} already written`);
  if (made) parts.push(`${plural(made, "job")} already submitted (waiting for ${made === 1 ? "it" : "them"})`);
  if (saved) parts.push(`${saved} to submit with the Idempotency-Key saved for ${saved === 1 ? "it" : "each"} (a job the service made for a key comes back instead of a second one)`);
  if (fresh.length) parts.push(`${fresh.length} to submit anew${again ? ` (${again} ended FAILED or CANCELLED)` : ""}`);
  return `resuming the batch cut off, started ${ago(journal.startedAt)} (journal ${where(journal)}): ${parts.join(", ")}`;
}

/** Why a batch cut off more than a day ago is not resumed as it is. */
export function staleNote(journal, stale, flag) {
  return `this batch was started ${ago(journal.startedAt)} and cut off (journal ${where(journal)}); ${plural(stale, "of its jobs has", "of its jobs have")} no job id recorded: ${stale === 1 ? "it was" : "each was"} submitted just before the cut, or never. The service replays an Idempotency-Key for 24 hours only, so submitting ${stale === 1 ? "it" : "them"} now could make (and bill) a job twice. Check your recent jobs on Apiframe, then run the same command with ${flag} to submit ${stale === 1 ? "it" : "them"} again (the jobs with an id are fetched, not made again), or delete the journal to start the batch anew.`;
}

/** stderr's line when the folder holds the journal of another batch, cut off: not this one. */
export function othersNote(journal) {
  const n = journal.others.length;
  return `note: ${journal.dir} also holds ${n === 1 ? "the journal of another batch" : `the journals of ${n} other batches`}, cut off (${journal.others.map((p) => basename(p)).join(", ")}). This batch's requests differ (prompts, -n, --ratio, --seed, --version or the base URL), so it starts anew; run the other batch's command again to resume it, or delete its journal`;
}

/** stderr's line when a batch ends unfinished: running it again resumes it. */
export function unfinishedNote(journal, done, total) {
  return `the batch is not finished (${done} of ${total} jobs written or ended): run the same command again to resume it; jobs already made are fetched, not made again (journal ${where(journal)}; delete it to forget the batch)`;
}
