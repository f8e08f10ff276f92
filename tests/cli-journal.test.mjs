// A command-line batch that survives a crash: killed midway (SIGKILL: no handler runs) and run
// again, it resumes from the journal it keeps in the output folder. Exactly one job per
// request at the emulator, every image written; a finished batch run again makes new images.
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { environment, startCli } from "./support/cli.mjs";
import { KEY, startEmulator } from "./support/emulator.mjs";

const PROMPTS = "a red kite\na blue kite\na green kite\na white kite\n";
const BATCH = ["--prompts", "prompts.txt", "-o", "out", "--concurrency", "2"];
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;
const JOURNAL = /^\.apiframe-reve-batch-[0-9a-f]{16}\.jsonl$/;

let emu;
const dirs = [];

/** A folder with the prompts file, as a user's. */
const folder = async () => {
  const dir = await mkdtemp(join(tmpdir(), "apiframe-reve-journal-"));
  dirs.push(dir);
  await writeFile(join(dir, "prompts.txt"), PROMPTS);
  return dir;
};

const start = (args, cwd) => startCli(args, { cwd, env: environment(emu.url) });
const jobsCreated = async () => (await emu.stats()).stats.jobsCreated;
const images = async (cwd) => (await readdir(join(cwd, "out"))).filter((f) => f.endsWith(".png")).sort();

/** The journal's path in `out`, if there is one. */
const journalPath = async (cwd) => {
  const found = (await readdir(join(cwd, "out")).catch(() => [])).filter((f) => JOURNAL.test(f));
  assert.ok(found.length <= 1, `one journal per batch: ${found}`);
  return found.length ? join(cwd, "out", found[0]) : undefined;
};

/** The journal's complete lines, parsed. */
const journalLines = async (cwd) => {
  const path = await journalPath(cwd);
  if (!path) return [];
  const text = await readFile(path, "utf8");
  return text.split("\n").slice(0, -1).map((l) => JSON.parse(l));
};

/** Starts the batch and kills it (SIGKILL) as soon as `ready()` holds; fails if it ends first. */
async function killedWhen(cwd, ready) {
  const run = start(BATCH, cwd);
  let ended = false;
  run.done.then(() => { ended = true; });
  while (!(await ready())) {
    assert.ok(!ended, `the batch ended before it could be cut off: ${run.out.stderr}`);
    await sleep(10);
  }
  run.child.kill("SIGKILL");
  const r = await run.done;
  assert.equal(r.signal, "SIGKILL");
  return r;
}

before(async () => { emu = await startEmulator(["--job-ms", "3000"]); });
after(async () => {
  await emu.stop();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});
beforeEach(() => emu.reset());

describe("apiframe-reve --prompts: a batch cut off and run again", () => {
  test("killed after 2 of 4 submissions, run again: resumed, 4 jobs in all, 4 images; run once more: 4 new jobs", async () => {
    const cwd = await folder();
    await killedWhen(cwd, async () => (await jobsCreated()) >= 2);
    assert.equal(await jobsCreated(), 2, "concurrency 2: the third waits for a job to end");
    const path = await journalPath(cwd);
    const journal = path && await readFile(path, "utf8");

    const resumed = await start(BATCH, cwd).done;
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(await jobsCreated(), 4, "the 2 jobs made before the kill were not made again");
    assert.match(resumed.stderr, /resuming the batch/);
    assert.ok(journal, "the killed batch left its journal");
    assert.ok(!journal.includes(KEY), "no API key in the journal");
    assert.ok(!journal.includes("kite"), "no prompt in the journal: a fingerprint of the batch");
    const written = await images(cwd);
    assert.equal(written.length, 4);
    for (const f of written) assert.match(f, new RegExp(`^${UUID.source}\\.png$`));
    assert.deepEqual(resumed.stdout.split("\n").filter(Boolean).sort(), written.map((f) => `out/${f}`));
    assert.equal(await journalPath(cwd), undefined, "a finished batch leaves no journal");

    const again = await start(BATCH, cwd).done;
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /resuming/);
    assert.equal(await jobsCreated(), 8, "a finished batch run again makes new images");
    assert.equal((await images(cwd)).length, 8);
  });

  test("the jobs journaled are waited for by id; a journal torn mid-line by the crash is survived, its key replayed", async () => {
    const cwd = await folder();
    await killedWhen(cwd, async () => (await journalLines(cwd)).filter((l) => l.jobId).length >= 2);
    const made = await jobsCreated();
    // The crash tore the last line (the second job id) in the middle.
    const path = await journalPath(cwd);
    const text = await readFile(path, "utf8");
    assert.ok(text.endsWith("}\n"));
    await truncate(path, Buffer.byteLength(text) - 12);

    const r = await start(BATCH, cwd).done;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /resuming the batch .*1 job already submitted .*3 to submit with the Idempotency-Key saved/);
    const { stats } = await emu.stats();
    assert.equal(made, 2);
    assert.equal(stats.jobsCreated, 4, "one job per prompt");
    assert.equal(stats.idempotentReplays, 1, "the job whose id line was torn came back through its saved key");
    assert.equal((await images(cwd)).length, 4);
    assert.equal(await journalPath(cwd), undefined);
  });

  test("Ctrl-C after one image was written: exit 130 saying how to resume; run again, that image is kept (not downloaded again) and listed", async () => {
    const cwd = await folder();
    const run = start(BATCH, cwd);
    while (!(await journalLines(cwd)).some((l) => l.written)) {
      assert.equal(run.child.exitCode, null, `the batch ended before it could be cut off: ${run.out.stderr}`);
      await sleep(10);
    }
    run.child.kill("SIGINT");
    const cut = await run.done;
    assert.equal(cut.code, 130, cut.stderr);
    assert.match(cut.stderr, /run the same command again to resume it/);
    const kept = (await images(cwd)).map((f) => `out/${f}`);
    assert.ok(kept.length >= 1);
    const { stats: before } = await emu.stats();

    const r = await start(BATCH, cwd).done;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`resuming the batch .*${kept.length} jobs? already written`));
    const { stats } = await emu.stats();
    assert.equal(stats.jobsCreated, 4);
    assert.equal(stats.fileRequests - before.fileRequests, 4 - kept.length, "the images written before the cut are not downloaded again");
    const paths = r.stdout.split("\n").filter(Boolean).sort();
    assert.deepEqual(paths, (await images(cwd)).map((f) => `out/${f}`));
    assert.equal(paths.length, 4);
    for (const p of kept) assert.ok(paths.includes(p), p);
  });

  test("a batch cut off, then its prompts edited: another batch, started anew, and stderr names the first one's journal, left in place", async () => {
    const cwd = await folder();
    await killedWhen(cwd, async () => (await jobsCreated()) >= 2);
    const first = await journalPath(cwd);
    assert.ok(first, "the killed batch left its journal");
    await writeFile(join(cwd, "prompts.txt"), PROMPTS.replace("a white kite", "a black kite"));

    const r = await start(BATCH, cwd).done;
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /resuming/);
    assert.ok(r.stderr.includes(`also holds the journal of another batch, cut off (${first.split("/").at(-1)})`), r.stderr);
    assert.equal(await jobsCreated(), 6, "another batch: its 4 jobs made");
    assert.equal(await journalPath(cwd), first, "the first batch's journal is kept, to resume it");
  });

  test("a journal older than the service's 24 hours of replay: refused before sending, saying so; --resubmit-expired resumes", async () => {
    const cwd = await folder();
    await killedWhen(cwd, async () => (await journalLines(cwd)).filter((l) => l.jobId).length >= 2);
    const path = await journalPath(cwd);
    const dayAgo = Date.now() - 25 * 3600 * 1000;
    const old = (await journalLines(cwd)).map((l) => JSON.stringify("at" in l ? { ...l, at: dayAgo } : l));
    await writeFile(path, `${old.join("\n")}\n`);
    const sent = async () => { const { stats } = await emu.stats(); return stats.generateRequests + stats.jobRequests; };
    const before = await sent();

    const refused = await start(BATCH, cwd).done;
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /2 of its jobs have no job id recorded/);
    assert.match(refused.stderr, /24 hours/);
    assert.match(refused.stderr, /--resubmit-expired/);
    assert.equal(await sent(), before, "nothing sent");

    const r = await start([...BATCH, "--resubmit-expired"], cwd).done;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /resuming the batch .*2 jobs already submitted/);
    assert.equal(await jobsCreated(), 4, "the two jobs with an id were waited for, not made again");
    assert.equal((await images(cwd)).length, 4);
  });
});
