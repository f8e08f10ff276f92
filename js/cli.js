#!/usr/bin/env node
// apiframe-reve's command line (`npx apiframe-reve "a lighthouse at dusk" -o out/`). It imports
// the package by its own name, as apiframe-reve/ai does, and uses only its public API. Every check
// of a request is the library's: the command builds requests as a program would, asks the library
// about them before sending anything (runMany with an aborted signal validates each request and
// starts none), and reports what it refuses as a usage error (exit 2).
import { mkdir, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { ApiframeError, ReveClient } from "apiframe-reve";
import { EXIT, NAME, UsageError, help, readCommand } from "./cli-command.js";
import { othersNote, runBatch, resumeNote, staleNote, unfinishedNote } from "./cli-batch.js";
import { BatchJournal } from "./cli-journal.js";
import { Progress } from "./cli-progress.js";

const EXTENSIONS = { "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/gif": "gif", "image/avif": "avif" };
const IMAGE_FILE = /\.(png|jpe?g|webp|gif|avif)$/i;

/** An error the library raised before sending anything: a request or setting it refuses. */
const refusedBeforeSending = (e) => e instanceof ApiframeError && e.code === "invalid_request" && e.status === undefined && e.jobId === undefined;

/** The library's refusal, named after the flag or input that carried the field. */
function usageFrom(e, where = {}) {
  if (!refusedBeforeSending(e)) return e;
  const field = e.details?.field;
  const flag = {
    "reveParams.aspect_ratio": "--ratio",
    "reveParams.seed": "--seed",
    "reveParams.version": "--version",
    concurrency: "--concurrency",
    baseUrl: where.baseUrlFlag ? "--base-url" : "APIFRAME_BASE_URL",
    apiKey: "APIFRAME_API_KEY",
    jobId: "JOB_ID",
    prompt: where.prompt ?? "PROMPT",
  }[field];
  const message = e.message.replace(/^requests\[\d+\]: /, ""); // runMany's index; `flag` says which input
  return new UsageError(flag ? `${flag}: ${message}` : message);
}

const quote = (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);
const fileName = (id) => String(id).replace(/[^A-Za-z0-9_-]/g, "_") || "job";
/** Where images go: `{ file }` (one job's image) or `{ dir }` (created). Before anything is sent. */
async function outputTarget(output, jobs) {
  if (output === undefined) return { dir: "." };
  let isDir = false;
  try {
    isDir = (await stat(output)).isDirectory();
  } catch {}
  try {
    if (!isDir && !/[\\/]$/.test(output) && IMAGE_FILE.test(output)) {
      if (jobs > 1) throw new UsageError(`-o ${output} names one file, but this makes ${jobs} jobs: give a folder`);
      await mkdir(dirname(output), { recursive: true });
      return { file: output };
    }
    await mkdir(output, { recursive: true });
    return { dir: output };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`-o: cannot make the folder for ${output}: ${e.message}`);
  }
}

const describe = (e) => {
  const code = e?.code ?? "error";
  const jobId = e?.jobId ? ` (job ${e.jobId})` : "";
  return `${code}: ${e?.message ?? String(e)}${jobId}`;
};

/** Downloads a completed job's images and writes them; resolves with their paths. */
async function saveJob(client, job, id, target, signal) {
  const images = await client.downloadImages(job, { signal });
  if (!images.length) throw Object.assign(new Error(`job ${id} completed without images`), { jobId: id });
  const paths = [];
  for (const [k, image] of images.entries()) {
    const ext = EXTENSIONS[image.mediaType] ?? "bin";
    const suffix = images.length > 1 ? `-${k + 1}` : "";
    const path = target.file
      ? (suffix ? target.file.replace(/(\.[^./\\]+)$/, `${suffix}$1`) : target.file)
      : join(target.dir, `${fileName(id)}${suffix}.${ext}`);
    await writeFile(path, image.bytes);
    paths.push(path);
  }
  return paths;
}

/** Runs the command; resolves with the exit code. */
async function main(argv) {
  const controller = new AbortController();
  const { signal } = controller;
  let interrupted = false;
  let running = false;
  let onInterrupt = () => {};
  process.on("SIGINT", () => {
    if (!running) {
      process.stderr.write(`\n${NAME}: interrupted before any job was submitted\n`);
      process.exit(EXIT.interrupted);
    }
    if (interrupted) process.exit(EXIT.interrupted); // a second Ctrl-C: stop now
    interrupted = true;
    controller.abort();
    onInterrupt();
  });
  for (const stream of [process.stdout, process.stderr]) stream.on("error", () => {}); // a closed pipe (| head)

  let command, client, target, journal;
  try {
    command = await readCommand(argv);
    if (command.mode === "help") {
      process.stdout.write(help());
      return EXIT.done;
    }
    if (command.mode === "cli-version") {
      process.stdout.write(`${createRequire(import.meta.url)("apiframe-reve/package.json").version}\n`);
      return EXIT.done;
    }
    const apiKey = process.env.APIFRAME_API_KEY;
    if (!apiKey?.trim()) {
      throw new UsageError("set APIFRAME_API_KEY to your Apiframe key (afk_...): the key is read from the environment only, never from the command line, which shell history and ps keep");
    }
    const baseUrl = command.baseUrl ?? (process.env.APIFRAME_BASE_URL || undefined);
    try {
      client = new ReveClient(baseUrl === undefined ? { apiKey } : { apiKey, baseUrl });
    } catch (e) {
      throw usageFrom(e, { baseUrlFlag: command.baseUrl !== undefined });
    }
    if (command.mode === "generate") {
      // The library's own checks, before anything is sent: with an aborted signal, runMany
      // validates every request (and the concurrency) and starts none.
      const concurrency = command.concurrency === undefined ? {} : { concurrency: command.concurrency };
      let checks;
      try {
        checks = await client.runMany(command.entries.map((e) => e.request), { ...concurrency, signal: AbortSignal.abort() });
      } catch (e) {
        throw usageFrom(e);
      }
      const refused = new Set();
      checks.forEach((r, i) => {
        if (r.status === "rejected" && refusedBeforeSending(r.reason)) refused.add(usageFrom(r.reason, { prompt: command.entries[i].where }).message);
      });
      if (refused.size) throw new UsageError([...refused].join("\n"));
    }
    target = await outputTarget(command.output, command.mode === "get" ? 1 : command.entries.length);
    if (command.mode === "generate" && command.entries.length > 1) {
      const requests = command.entries.map((e) => e.request);
      try {
        journal = BatchJournal.open({ dir: target.dir, baseUrl, requests, resubmitExpired: command.resubmitExpired });
      } catch (e) {
        if (e.stale) throw new UsageError(staleNote(e.journal, e.stale, "--resubmit-expired"));
        throw new UsageError(`-o: cannot keep the batch's journal in ${target.dir}: ${e.message}`);
      }
    }
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`${NAME}: ${e.message}\nRun ${NAME} --help for usage.\n`);
    return EXIT.usage;
  }
  running = true;

  // What each job needs: { jobId } (made: wait for it, its images perhaps `written` already)
  // or { key } (submit it; a batch's key is in its journal before it is sent).
  const plan = journal?.plan ?? (command.mode === "get" ? [{ jobId: command.jobId }] : command.entries.map(() => ({})));
  const entries = (command.mode === "get" ? [{}] : command.entries).map((e, i) => ({ ...e, id: plan[i].jobId }));
  const jobs = entries.map((e) => ({ id: e.id, job: undefined, paths: [], error: undefined }));
  if (journal?.resumed) process.stderr.write(`${NAME}: ${resumeNote(journal)}\n`);
  if (journal?.others.length) process.stderr.write(`${NAME}: ${othersNote(journal)}\n`);
  const view = new Progress(entries);
  onInterrupt = () => view.say(`${NAME}: interrupted; stopping the waits`);
  const saves = [];
  const save = (i, job) => {
    saves[i] ??= (async () => {
      const id = jobs[i].id ?? job.id;
      try {
        jobs[i].paths = plan[i].written ?? await saveJob(client, job, id, target, signal);
        if (!plan[i].written) journal?.written(i, jobs[i].paths);
        if (!command.json) view.out(jobs[i].paths.map((p) => `${p}\n`).join(""));
        view.finish(i, `-> ${jobs[i].paths.join(", ")}`);
      } catch (e) {
        jobs[i].error = e;
      }
    })();
    return saves[i];
  };
  const onProgress = (job, i = 0) => {
    if (!job) return;
    jobs[i].id ??= job.id; // the first callback of a job carries its id: it is submitted (billed)
    if (job.id) journal?.submitted(i, job.id);
    view.update(i, job);
    if (job.status === "COMPLETED") save(i, job); // written as soon as it is done
    else if (job.status === "FAILED" || job.status === "CANCELLED") {
      if (!jobs[i].ended) journal?.ended(i, job.status);
      jobs[i].ended = true;
      view.finish(i);
    }
  };

  let settled;
  if (command.mode === "get") {
    try {
      settled = [{ status: "fulfilled", value: await client.waitForJob(command.jobId, { signal, onProgress }) }];
    } catch (e) {
      if (refusedBeforeSending(e)) {
        view.stop();
        process.stderr.write(`${NAME}: ${usageFrom(e).message}\nRun ${NAME} --help for usage.\n`);
        return EXIT.usage;
      }
      settled = [{ status: "rejected", reason: e }];
    }
  } else {
    settled = await runBatch(client, entries.map((e) => e.request), plan, { concurrency: command.concurrency, signal, onProgress });
  }
  await Promise.all(settled.map(async (r, i) => {
    const s = jobs[i];
    if (r.status === "fulfilled") {
      s.id ??= r.value.id;
      s.job = r.value;
      await save(i, r.value);
    } else {
      s.id ??= r.reason?.jobId;
      s.job = r.reason?.job;
      s.error = r.reason;
    }
  }));

  const failed = jobs.filter((s) => s.error && !(interrupted && s.error.code === "aborted"));
  view.stop();
  for (const [i, s] of jobs.entries()) {
    if (failed.includes(s)) process.stderr.write(`${NAME}: ${entries.length > 1 ? `[${i + 1}/${entries.length}] ` : ""}${describe(s.error)}\n`);
  }
  // Finished: every job written, or ended without images (the service refunds those).
  const finished = jobs.filter((s) => s.paths.length || s.ended || s.job?.status === "FAILED" || s.job?.status === "CANCELLED").length;
  journal?.close(finished === jobs.length);
  if (journal && finished < jobs.length) process.stderr.write(`${NAME}: ${unfinishedNote(journal, finished, jobs.length)}\n`);
  if (command.json) {
    const shown = jobs.map((s) => s.job ?? { id: s.id ?? null, error: s.error?.toJSON?.() ?? { message: String(s.error) } });
    process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
  }
  if (interrupted) {
    const known = jobs.filter((s) => s.id);
    const again = target.file ? ` -o ${quote(target.file)}` : command.output !== undefined ? ` -o ${quote(target.dir)}` : "";
    if (!known.length) {
      process.stderr.write(`${NAME}: interrupted before any job was known to be submitted\n`);
    } else {
      const lines = known.map((s) => `  ${NAME} get ${s.id}${again}${s.paths.length ? `    # already written: ${s.paths.join(", ")}` : ""}`);
      process.stderr.write(`${NAME}: interrupted. Submitted (billed) job${known.length > 1 ? "s" : ""}; fetch ${known.length > 1 ? "each" : "it"} later with:\n${lines.join("\n")}\n`);
    }
    return EXIT.interrupted;
  }
  if (failed.length && failed.every((s) => refusedBeforeSending(s.error)) && !jobs.some((s) => s.id)) return EXIT.usage;
  return failed.length ? EXIT.failed : EXIT.done;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e) => {
    process.stderr.write(`${NAME}: ${describe(e)}\n`);
    process.exitCode = EXIT.failed;
  },
);
