#!/usr/bin/env node
// apiframe-reve's command line (`npx apiframe-reve "a lighthouse at dusk" -o out/`). It imports
// the package by its own name, as apiframe-reve/ai does, and uses only its public API. Every check
// of a request is the library's: the command builds requests as a program would, asks the library
// about them before sending anything (runMany with an aborted signal validates each request and
// starts none), and reports what it refuses as a usage error (exit 2).
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, extname, join } from "node:path";
import { parseArgs } from "node:util";
import { ApiframeError, ReveClient, reveCapabilities } from "apiframe-reve";
import { runBatch, resumeNote, staleNote, unfinishedNote } from "./cli-batch.js";
import { BatchJournal } from "./cli-journal.js";
import { Progress } from "./cli-progress.js";

const NAME = "apiframe-reve";
const EXIT = { done: 0, failed: 1, usage: 2, interrupted: 130 };

const OPTIONS = {
  ratio: { type: "string" },
  seed: { type: "string" },
  version: { type: "string" },
  count: { type: "string", short: "n" },
  output: { type: "string", short: "o" },
  prompts: { type: "string" },
  concurrency: { type: "string" },
  json: { type: "boolean" },
  "base-url": { type: "string" },
  "resubmit-expired": { type: "boolean" },
  help: { type: "boolean", short: "h" },
  "cli-version": { type: "boolean", short: "V" },
};

const EXTENSIONS = { "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/gif": "gif", "image/avif": "avif" };
const IMAGE_FILE = /\.(png|jpe?g|webp|gif|avif)$/i;

function help() {
  const { aspectRatios, promptMaxLength } = reveCapabilities();
  return `Reve images through Apiframe, from the command line.

Usage:
  ${NAME} PROMPT [options]              one job of PROMPT (quote it)
  ${NAME} --prompts FILE [options]      one job per line of FILE (blank lines skipped; - reads stdin)
  ${NAME} get JOB_ID [-o PATH] [--json] a job made earlier: waits if needed, then downloads it

Options:
  --ratio R            aspect ratio, one of: ${aspectRatios.join(" ")}
  --seed N             seed (the same prompt, seed and ratio give the same image)
  --version V          the model's version (reveParams.version)
  -n, --count COUNT    COUNT jobs of each prompt (default 1)
  --concurrency N      most jobs in flight at once (default: the library's)
  -o, --output PATH    a folder, created if missing, where each image is JOB_ID.EXT
                       (JOB_ID-N.EXT when a job has several); or FILE.png for one job's image.
                       Default: the current folder
  --json               print the jobs as one JSON array on stdout instead of the files' paths
  --base-url URL       the API or your proxy (default: $APIFRAME_BASE_URL, else the library's
                       default, https://api.apiframe.ai)
  --resubmit-expired   resume a batch cut off more than 24 hours ago even so: submit again the
                       jobs it has no job id for (one made before the cut is made twice)
  -h, --help           this help
  -V, --cli-version    the version of ${NAME}

Environment:
  APIFRAME_API_KEY     your Apiframe key (afk_...), required. It is read from the environment
                       only: a key on a command line stays in shell history and shows in ps.
  APIFRAME_BASE_URL    the default of --base-url

Prompts are 1 to ${promptMaxLength} characters. Progress goes to stderr (redrawn in place on a
terminal, one line per change otherwise); stdout carries only the written files' paths, one a
line, or with --json the jobs.

A batch (--prompts with several prompts, or -n 2 or more) keeps a journal in the output
folder (.apiframe-reve-batch-*.jsonl): each job's Idempotency-Key, saved before it is
submitted, then its job id. Run the same command again after the batch was cut off (kill,
crash, Ctrl-C, a lost session) and it resumes: jobs already made are fetched, the others are
submitted with their saved keys, so nothing is made or billed twice (within 24 hours). A
finished batch removes its journal: the same command run again then makes new images.

Exit codes:
  0    every job done and written
  1    a job failed or the service refused (the others still complete and are written)
  2    a usage error, found before anything was sent
  130  interrupted (Ctrl-C): the jobs already submitted (billed) are listed with the
       \`${NAME} get JOB_ID\` command that fetches each later
`;
}

class UsageError extends Error {}

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

function number(flag, text) {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n)) throw new UsageError(`${flag} takes a number, got ${JSON.stringify(text)}`);
  return n;
}

const quote = (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);
const fileName = (id) => String(id).replace(/[^A-Za-z0-9_-]/g, "_") || "job";
const excerpt = (s, n = 40) => JSON.stringify([...s].length > n ? `${[...s].slice(0, n - 1).join("")}…` : s);

/** The command line, read: what to do, with what. Throws UsageError. */
async function readCommand(argv) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    const option = e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && /'([^']+)'/.exec(e.message)?.[1];
    if (!option) throw new UsageError(e.message);
    const hint = /api.?key/i.test(option) ? ": the key is read from APIFRAME_API_KEY only (a key on a command line stays in shell history and shows in ps)" : "";
    throw new UsageError(`unknown option ${option}${hint}`);
  }
  const { values: v, positionals: words } = parsed;
  if (v.help) return { mode: "help" };
  if (v["cli-version"]) return { mode: "cli-version" };
  const flagName = { count: "-n", output: "-o" };
  const command = { json: !!v.json, output: v.output, baseUrl: v["base-url"], concurrency: undefined, resubmitExpired: !!v["resubmit-expired"] };

  if (words[0] === "get" && v.prompts === undefined) {
    if (words.length !== 2) throw new UsageError(words.length < 2 ? "get needs a JOB_ID" : `get takes one JOB_ID, got ${words.length - 1} words`);
    for (const f of ["ratio", "seed", "version", "count", "concurrency", "resubmit-expired"]) {
      if (v[f] !== undefined) throw new UsageError(`${flagName[f] ?? `--${f}`} does not apply to get (the job is made already)`);
    }
    return { ...command, mode: "get", jobId: words[1] };
  }

  let prompts;
  if (v.prompts !== undefined) {
    if (words.length) throw new UsageError(`give a PROMPT or --prompts FILE, not both (got ${words.map((w) => excerpt(w)).join(" ")})`);
    let text;
    try {
      text = v.prompts === "-" ? await readStdin() : await readFile(v.prompts, "utf8");
    } catch (e) {
      throw new UsageError(`--prompts: cannot read ${v.prompts}: ${e.message}`);
    }
    prompts = text.replace(/^\uFEFF/, "").split(/\r?\n/).map((l, i) => ({ prompt: l.trim(), where: `${v.prompts} line ${i + 1}` })).filter((p) => p.prompt !== "");
    if (!prompts.length) throw new UsageError(`--prompts: ${v.prompts} has no prompt (one a line)`);
  } else if (words.length === 0) {
    throw new UsageError("missing PROMPT (or --prompts FILE, or get JOB_ID)");
  } else if (words.length > 1) {
    throw new UsageError(`one PROMPT, in quotes: got ${words.length} words (${words.map((w) => excerpt(w)).join(" ")})`);
  } else {
    prompts = [{ prompt: words[0], where: "PROMPT" }];
  }

  let count = 1;
  if (v.count !== undefined) {
    count = number("-n", v.count);
    if (!Number.isInteger(count) || count < 1) throw new UsageError(`-n takes a whole number of jobs, 1 or more, got ${JSON.stringify(v.count)}`);
  }
  if (v.concurrency !== undefined) command.concurrency = number("--concurrency", v.concurrency);
  const reveParams = {};
  if (v.ratio !== undefined) reveParams.aspect_ratio = v.ratio;
  if (v.seed !== undefined) reveParams.seed = number("--seed", v.seed);
  if (v.version !== undefined) reveParams.version = v.version;
  const many = prompts.length > 1;
  const entries = prompts.flatMap((p) => Array.from({ length: count }, () => ({
    ...p,
    request: Object.keys(reveParams).length ? { prompt: p.prompt, reveParams: { ...reveParams } } : { prompt: p.prompt },
    note: many ? excerpt(p.prompt) : "",
  })));
  return { ...command, mode: "generate", entries };
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

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
        if (!e.stale) throw e;
        throw new UsageError(staleNote(e.journal, e.stale, "--resubmit-expired"));
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
