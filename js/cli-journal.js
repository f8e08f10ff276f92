// A batch's journal (`--prompts FILE` or `-n`: more than one job), so that a batch cut off
// (kill -9, a closed laptop, a lost session) and run again resumes instead of billing its jobs
// twice. One file in the output folder per batch, named after a fingerprint of its requests:
//
//   .apiframe-reve-batch-<16 hex>.jsonl
//   {"journal":"apiframe-reve batch","version":1,"batch":"<sha-256>","jobs":4,"startedAt":...}
//   {"i":0,"key":"<Idempotency-Key>","at":<ms>}   one per job, before anything is submitted
//   {"i":0,"jobId":"<uuid>"}                        once the job is known to exist
//   {"i":0,"written":["<uuid>.png"]}                its images are in the folder
//   {"i":0,"ended":"FAILED"}                        it ended without images (FAILED, CANCELLED)
//
// The header and the keys are written to a temporary file, synced and renamed into place, so
// the journal appears whole or not at all; every later line is appended with one write and an
// fsync. A crash mid-append leaves a torn last line: reading ignores it and cuts it off before
// appending. A key line for a job replaces what was known of it (a job that FAILED gets a new
// key). Once every job is written or ended, the journal is removed: the same command run again
// makes new images.
import { createHash, randomUUID } from "node:crypto";
import { closeSync, fsyncSync, ftruncateSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { basename, join } from "node:path";

const KIND = "apiframe-reve batch";
const NAMED = /^\.apiframe-reve-batch-[0-9a-f]{16}\.jsonl$/;
/** The service replays an `Idempotency-Key` for 24 hours; an hour less, for clocks that differ. */
export const KEY_LIFETIME_MS = 23 * 3600 * 1000;

/** The batch's fingerprint: the same requests (prompts, -n, ratio, seed, version) to the same service. */
const fingerprint = (baseUrl, requests) => createHash("sha256").update(JSON.stringify({ baseUrl: baseUrl ?? null, requests })).digest("hex");

/** The folder's entry made durable too (a rename or unlink), where the platform allows. */
function syncFolder(dir) {
  let fd;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // Windows cannot open a folder; its renames are durable on their own.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const exists = (path) => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/** The complete lines of `bytes`, and how many bytes they take (a torn last line left out). */
function completeLines(bytes) {
  const end = bytes.lastIndexOf(0x0a) + 1;
  const lines = [];
  for (const text of bytes.subarray(0, end).toString("utf8").split("\n")) {
    try {
      if (text) lines.push(JSON.parse(text));
    } catch {
      // Only a torn line is not JSON; a line that is not an object is skipped below.
    }
  }
  return { lines: lines.filter((l) => l && typeof l === "object"), end };
}

/** What the journal says of each job: `{ key, at, jobId, written, ended }`. */
function replay(lines, batch, count) {
  const [header, ...rest] = lines;
  if (header?.journal !== KIND || header.batch !== batch || header.jobs !== count) return undefined;
  const jobs = Array.from({ length: count }, () => ({}));
  for (const l of rest) {
    const job = Number.isInteger(l.i) ? jobs[l.i] : undefined;
    if (!job) continue;
    if (typeof l.key === "string") {
      for (const k of Object.keys(job)) delete job[k];
      Object.assign(job, { key: l.key, at: l.at });
    } else if (typeof l.jobId === "string") job.jobId = l.jobId;
    else if (Array.isArray(l.written)) job.written = l.written;
    else if (typeof l.ended === "string") job.ended = l.ended;
  }
  return { startedAt: header.startedAt, jobs };
}

/**
 * The journal of one batch in `dir`. `open` reads the one a cut-off run of the same batch left,
 * or starts one; then `plan[i]` says what job i needs: `{ jobId, written? }` (made: wait for it)
 * or `{ key, saved }` (submit it with that key; `saved` when the key came from the journal).
 */
export class BatchJournal {
  /** Opens (resuming) or starts the journal; throws `{ stale }` when resuming would risk billing twice. */
  static open({ dir, baseUrl, requests, now = Date.now(), resubmitExpired = false }) {
    const batch = fingerprint(baseUrl, requests);
    const name = `.apiframe-reve-batch-${batch.slice(0, 16)}.jsonl`;
    const path = join(dir, name);
    let found;
    let end = 0;
    try {
      const read = completeLines(readFileSync(path));
      found = replay(read.lines, batch, requests.length);
      end = read.end;
    } catch (e) {
      if (e.code !== "ENOENT") throw e;
    }
    const journal = new BatchJournal(dir, path);
    if (!found) {
      journal.plan = requests.map(() => ({ key: randomUUID(), saved: false }));
      journal.create(batch, now);
      // Another batch cut off in this folder (its prompts edited since?): said, not resumed.
      journal.others = readdirSync(dir).filter((f) => NAMED.test(f) && f !== name).map((f) => join(dir, f));
      return journal;
    }
    journal.startedAt = found.startedAt;
    journal.plan = found.jobs.map((j) => {
      const written = j.written?.map((name) => join(dir, name));
      if (j.jobId && !j.ended) return { jobId: j.jobId, written: written?.every(exists) ? written : undefined };
      if (j.key && !j.ended) return { key: j.key, saved: true, stale: !(now - j.at < KEY_LIFETIME_MS) };
      return { key: randomUUID(), saved: false, again: !!j.ended };
    });
    const stale = journal.plan.filter((p) => p.stale);
    if (stale.length && !resubmitExpired) throw Object.assign(new Error("stale keys"), { stale: stale.length, journal });
    const fd = openSync(path, "r+");
    try {
      ftruncateSync(fd, end); // a torn last line, cut off so the next line starts clean
    } finally {
      closeSync(fd);
    }
    journal.fd = openSync(path, "a");
    journal.append(journal.plan.flatMap((p, i) => (p.saved || p.jobId ? [] : [{ i, key: p.key, at: now }])));
    journal.resumed = true;
    return journal;
  }

  constructor(dir, path) {
    this.dir = dir;
    this.path = path;
    this.resumed = false;
    this.others = [];
    this.fd = undefined;
  }

  /** Header and keys in a temporary file, synced, renamed into place. */
  create(batch, now) {
    const header = { journal: KIND, version: 1, batch, jobs: this.plan.length, startedAt: new Date(now).toISOString() };
    const text = [header, ...this.plan.map((p, i) => ({ i, key: p.key, at: now }))].map((l) => `${JSON.stringify(l)}\n`).join("");
    const temporary = `${this.path}.${process.pid}.tmp`;
    const fd = openSync(temporary, "w");
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.path);
    syncFolder(this.dir);
    this.fd = openSync(this.path, "a");
    this.startedAt = header.startedAt;
  }

  /** Lines appended with one write and an fsync. */
  append(lines) {
    if (!lines.length || this.fd === undefined) return;
    writeSync(this.fd, lines.map((l) => `${JSON.stringify(l)}\n`).join(""));
    fsyncSync(this.fd);
  }

  /** Job i exists: its id. */
  submitted(i, jobId) {
    if (this.plan[i].jobId === jobId) return;
    this.plan[i] = { jobId };
    this.append([{ i, jobId }]);
  }

  /** Job i's images are on disk (kept by name: the folder may be reached from elsewhere next time). */
  written(i, paths) {
    this.append([{ i, written: paths.map((p) => basename(p)) }]);
  }

  /** Job i ended without images (FAILED, CANCELLED): the next run submits it anew. */
  ended(i, status) {
    this.append([{ i, ended: status }]);
  }

  /** Closes the journal; removes it when the batch is finished, so it is not resumed again. */
  close(finished) {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    if (!finished) return;
    try {
      unlinkSync(this.path);
    } catch (e) {
      if (e.code !== "ENOENT") throw e; // the same batch, resumed in another terminal, finished first
    }
    syncFolder(this.dir);
  }
}
