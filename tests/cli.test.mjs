// The command line (`npx apiframe-reve`), as the installed package's bin, against the emulator.
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ReveClient } from "apiframe-reve";
import { environment, startCli } from "./support/cli.mjs";
import { KEY, pngSize, startEmulator } from "./support/emulator.mjs";

const RATIOS = ["16:9", "9:16", "3:2", "2:3", "4:3", "3:4", "1:1"];
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;
// A plain progress line: [i/n] JOB_ID STATUS [P%] 1.2s ...
const PROGRESS_LINE = new RegExp(`^(\\[\\d+/\\d+\\] )?(${UUID.source}) (QUEUED|PROCESSING|COMPLETED|FAILED|CANCELLED)( \\d+%)? \\d+\\.\\ds`);

let emu;
const dirs = [];
const scratch = async () => {
  const dir = await mkdtemp(join(tmpdir(), "apiframe-reve-cli-"));
  dirs.push(dir);
  return dir;
};

/** Starts the installed command, against the emulator unless told otherwise. */
const start = (args, { cwd, env = environment(emu.url) }) => startCli(args, { cwd, env });

const cli = (args, options) => start(args, options).done;

/** Requests the emulator saw on /v2/... */
const apiRequests = async (e = emu) => {
  const { stats } = await e.stats();
  return stats.generateRequests + stats.jobRequests + stats.listRequests + stats.otherRequests;
};

const isRatio = ({ width, height }, ratio) => {
  const [w, h] = ratio.split(":").map(Number);
  return width * h === height * w;
};

before(async () => { emu = await startEmulator(["--job-ms", "600"]); });
after(async () => {
  await emu.stop();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});
beforeEach(() => emu.reset());

describe("apiframe-reve (the command line)", () => {
  test("one prompt writes one PNG at the asked ratio, its path alone on stdout", async () => {
    const cwd = await scratch();
    const r = await cli(["a lighthouse at dusk", "--ratio", "16:9", "--seed", "7"], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split("\n").filter(Boolean);
    assert.equal(lines.length, 1, r.stdout);
    assert.match(lines[0], new RegExp(`^${UUID.source}\\.png$`));
    assert.deepEqual(await readdir(cwd), [lines[0]]);
    assert.ok(isRatio(pngSize(await readFile(join(cwd, lines[0]))), "16:9"));
    const { stats } = await emu.stats();
    assert.equal(stats.jobsCreated, 1);
  });

  test("-o FILE.png writes that file", async () => {
    const cwd = await scratch();
    const r = await cli(["a tea box", "--ratio", "2:3", "-o", "shots/tea.png"], { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "shots/tea.png\n");
    assert.deepEqual(await readdir(join(cwd, "shots")), ["tea.png"]);
    assert.ok(isRatio(pngSize(await readFile(join(cwd, "shots", "tea.png"))), "2:3"));
  });

  test("-n 3 runs three jobs and writes three files into the -o folder", async () => {
    const cwd = await scratch();
    const r = await cli(["comic page", "-n", "3", "-o", "out"], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const paths = r.stdout.split("\n").filter(Boolean).sort();
    assert.equal(paths.length, 3, r.stdout);
    for (const p of paths) assert.match(p, new RegExp(`^out/${UUID.source}\\.png$`));
    assert.deepEqual((await readdir(join(cwd, "out"))).map((f) => `out/${f}`).sort(), paths);
    const { stats } = await emu.stats();
    assert.equal(stats.jobsCreated, 3);
    assert.equal(stats.generateRequests, 3, "the check before sending sends nothing");
  });

  test("--prompts FILE --concurrency 2: a failed job exits 1 with its code and id, the others are written", async () => {
    const cwd = await scratch();
    await writeFile(join(cwd, "prompts.txt"), "a red kite\n\n  a blue kite  \na green kite\n");
    await emu.fault({ kind: "job_failed" }); // the next job made ends FAILED
    const r = await cli(["--prompts", "prompts.txt", "--concurrency", "2", "-o", "kites"], { cwd });
    assert.equal(r.code, 1, r.stderr);
    const paths = r.stdout.split("\n").filter(Boolean);
    assert.equal(paths.length, 2, r.stdout);
    const files = (await readdir(join(cwd, "kites"))).sort();
    assert.deepEqual(files, paths.map((p) => p.replace(/^kites\//, "")).sort());
    const failed = new RegExp(`job_failed: .*\\(job (${UUID.source})\\)`).exec(r.stderr);
    assert.ok(failed, r.stderr);
    assert.ok(!files.includes(`${failed[1]}.png`));
    const { stats } = await emu.stats();
    assert.equal(stats.jobsCreated, 3, "blank lines are skipped");
  });

  test("--json prints the jobs as one JSON array, and still writes the files", async () => {
    const cwd = await scratch();
    const r = await cli(["a poster reading 'NIGHTFALL'", "-n", "2", "--ratio", "1:1", "--json"], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const jobs = JSON.parse(r.stdout);
    assert.ok(Array.isArray(jobs));
    assert.equal(jobs.length, 2);
    for (const job of jobs) {
      assert.match(job.id, UUID);
      assert.equal(job.status, "COMPLETED");
      assert.equal(job.input.reveParams.aspect_ratio, "1:1");
    }
    assert.deepEqual((await readdir(cwd)).sort(), jobs.map((j) => `${j.id}.png`).sort());
  });

  test("without APIFRAME_API_KEY: exit 2, saying to set it, and nothing is sent", async () => {
    const cwd = await scratch();
    const env = environment(emu.url);
    delete env.APIFRAME_API_KEY;
    const r = await cli(["a lighthouse"], { cwd, env });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /set APIFRAME_API_KEY/);
    assert.equal(r.stdout, "");
    // A flag for the key does not exist: a key on a command line stays in shell history and ps.
    const flag = await cli(["a lighthouse", "--api-key", KEY], { cwd });
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /unknown option --api-key/);
    assert.ok(!flag.stderr.includes(KEY));
    assert.equal(await apiRequests(), 0);
    assert.deepEqual(await readdir(cwd), []);
  });

  test("--ratio 21:9: exit 2 naming the 7 ratios Reve has, and nothing is sent", async () => {
    const cwd = await scratch();
    const r = await cli(["a lighthouse", "--ratio", "21:9"], { cwd });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--ratio/);
    for (const ratio of RATIOS) assert.ok(r.stderr.includes(ratio), `${ratio} in ${r.stderr}`);
    assert.equal(await apiRequests(), 0);
  });

  test("other usage errors exit 2 before anything is sent", async () => {
    const cwd = await scratch();
    await writeFile(join(cwd, "prompts.txt"), `fine\n${"x".repeat(2001)}\n`);
    const cases = [
      [[], /missing PROMPT/],
      [["a", "--bogus"], /unknown option --bogus/],
      [["a", "--seed", "abc"], /--seed takes a number/],
      [["a", "--seed", "1.5"], /--seed/],
      [["a", "-n", "0"], /-n takes a whole number/],
      [["a", "--concurrency", "0"], /--concurrency/],
      [["a", "-n", "2", "-o", "one.png"], /give a folder/],
      [["--prompts", "prompts.txt"], /prompts\.txt line 2: prompt/], // the library's limit, named by line
      [["get"], /get needs a JOB_ID/],
      [["get", "not-a-job-id"], /JOB_ID/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args, { cwd });
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(" "));
    }
    assert.equal(await apiRequests(), 0);
    assert.deepEqual(await readdir(cwd), ["prompts.txt"]);
  });

  test("--help lists the 7 ratios and every flag", async () => {
    const cwd = await scratch();
    const env = environment(emu.url);
    delete env.APIFRAME_API_KEY; // help needs no key
    const r = await cli(["--help"], { cwd, env });
    assert.equal(r.code, 0, r.stderr);
    for (const ratio of RATIOS) assert.ok(r.stdout.includes(ratio), ratio);
    for (const flag of ["--ratio", "--seed", "--version", "-n", "-o", "--prompts", "--concurrency", "--json", "--base-url", "--resubmit-expired", "get JOB_ID", "APIFRAME_API_KEY", "APIFRAME_BASE_URL", "130"]) {
      assert.ok(r.stdout.includes(flag), flag);
    }
    assert.ok(!r.stdout.includes("--api-key"));
  });

  test("get JOB_ID waits for a job made through the API, then writes its image", async () => {
    const cwd = await scratch();
    const client = new ReveClient({ apiKey: KEY, baseUrl: emu.url });
    const { jobId } = await client.generate({ prompt: "a red kite", reveParams: { aspect_ratio: "3:2" } });
    const r = await cli(["get", jobId, "-o", "fetched"], { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `fetched/${jobId}.png\n`);
    assert.ok(isRatio(pngSize(await readFile(join(cwd, "fetched", `${jobId}.png`))), "3:2"));
    const { stats } = await emu.stats();
    assert.equal(stats.jobsCreated, 1, "get makes no job");
  });

  test("not on a terminal, progress is one plain line per change on stderr", async () => {
    const cwd = await scratch();
    const r = await cli(["a lighthouse"], { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!/[\x1b\r]/.test(r.stderr), "no escape sequences or carriage returns");
    const lines = r.stderr.split("\n").filter(Boolean);
    const id = r.stdout.trim().replace(/\.png$/, "");
    const progress = lines.filter((l) => PROGRESS_LINE.test(l));
    assert.ok(progress.length >= 1, r.stderr);
    for (const l of progress) assert.equal(PROGRESS_LINE.exec(l)[2], id);
    assert.ok(progress.some((l) => / COMPLETED 100% /.test(l)), r.stderr);
    assert.equal(new Set(progress).size, progress.length, "a line per change, none repeated");
  });
});

describe("apiframe-reve interrupted (SIGINT)", () => {
  let slow;
  before(async () => { slow = await startEmulator(["--job-ms", "5000"]); });
  after(() => slow.stop());

  test("Ctrl-C while waiting exits 130 and names the submitted job with its get command, which fetches it", async () => {
    const cwd = await scratch();
    const env = environment(slow.url);
    const run = start(["a slow lighthouse"], { cwd, env });
    const id = await new Promise((resolve, reject) => {
      const look = () => {
        const line = run.out.stderr.split("\n").find((l) => PROGRESS_LINE.test(l));
        if (line) resolve(PROGRESS_LINE.exec(line)[2]);
      };
      run.child.stderr.on("data", look);
      run.done.then((r) => reject(new Error(`ended before any progress: ${r.code} ${r.stderr}`)));
    });
    const sent = performance.now();
    run.child.kill("SIGINT");
    const r = await run.done;
    assert.equal(r.code, 130, r.stderr);
    assert.ok(performance.now() - sent < 2000, "the wait is aborted at once");
    assert.ok(r.stderr.includes(`apiframe-reve get ${id}`), r.stderr);
    assert.equal(r.stdout, "");
    assert.deepEqual(await readdir(cwd), []);
    assert.equal((await slow.stats()).stats.jobsCreated, 1);
    // The printed command fetches the job once it is done.
    const later = await cli(["get", id], { cwd, env });
    assert.equal(later.code, 0, later.stderr);
    assert.equal(later.stdout, `${id}.png\n`);
    assert.equal((await slow.stats()).stats.jobsCreated, 1);
  });
});
