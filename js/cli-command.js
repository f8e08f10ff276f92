// The command line's words, read: the flags, the help, and the command they make (what to do,
// with what), or a UsageError saying what is wrong, before anything is sent.
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { reveCapabilities } from "apiframe-reve";

/** The command's name, as installed. */
export const NAME = "apiframe-reve";
/** Exit codes, as --help lists them. */
export const EXIT = { done: 0, failed: 1, usage: 2, interrupted: 130 };

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

export function help() {
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

/** A command the words do not make: exit 2, before anything is sent. */
export class UsageError extends Error {}

function number(flag, text) {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n)) throw new UsageError(`${flag} takes a number, got ${JSON.stringify(text)}`);
  return n;
}

const excerpt = (s, n = 40) => JSON.stringify([...s].length > n ? `${[...s].slice(0, n - 1).join("")}…` : s);

/** The command line, read: what to do, with what. Throws UsageError. */
export async function readCommand(argv) {
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

