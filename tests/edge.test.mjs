// The edge half: examples/worker (createProxyHandler + a webhook receiver) running in workerd
// through miniflare against the emulator, and the webhook functions in Node.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ReveClient } from "apiframe-reve";
import { KEY, startEmulator } from "./support/emulator.mjs";
import { startWorker } from "./support/workerd.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const workerSource = join(here, "..", "examples", "worker", "src", "index.js");
const SESSION = "s3ssion-token";
const ORIGIN = "http://app.test";
let emu, worker;

const sign = (body, key = KEY) =>
  `sha256=${createHmac("sha256", createHash("sha256").update(key).digest()).update(body).digest("hex")}`;
const upstreamCalls = async () => {
  const { stats } = await emu.stats();
  return stats.generateRequests + stats.jobRequests + stats.listRequests + stats.otherRequests;
};
const withSession = (init = {}) => {
  const headers = new Headers(init.headers);
  headers.set("cookie", `session=${SESSION}`);
  return { ...init, headers };
};

before(async () => {
  emu = await startEmulator(["--job-ms", "500"]);
  worker = await startWorker(workerSource, {
    port: 0,
    kvNamespaces: ["JOBS"],
    bindings: { APIFRAME_API_KEY: KEY, APIFRAME_BASE_URL: emu.url, SESSIONS: `${SESSION}:alice`, ALLOWED_ORIGINS: ORIGIN, ALLOW_ANONYMOUS: "false" },
  });
});
after(async () => {
  await worker?.stop();
  await emu?.stop();
});

describe("the proxy in workerd", () => {
  test("a browser-style client with no key runs a job through the proxy", async () => {
    const client = new ReveClient({
      baseUrl: `${worker.url}/api/reve`,
      expectedDurationMs: 500,
      fetch: (url, init) => fetch(url, withSession(init)),
    });
    const job = await client.run({ prompt: "A four-panel comic page", reveParams: { aspect_ratio: "3:4", seed: 3 } });
    assert.equal(job.status, "COMPLETED");
    const listed = await client.listJobs({ limit: 1 });
    assert.equal(listed.jobs[0].id, job.id);
  });

  test("a key sent by the client is dropped; the proxy's own key is used", async () => {
    const res = await fetch(`${worker.url}/api/reve/v2/images/generate`, withSession({
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": "afk_attacker_key" },
      body: JSON.stringify({ prompt: "x" }),
    }));
    assert.equal(res.status, 202, "with the attacker's key the emulator would answer 401");
    const { jobId } = await res.json();
    const direct = await fetch(`${emu.url}/v2/jobs/${jobId}`, { headers: { "x-api-key": KEY } });
    assert.equal(direct.status, 200, "the job belongs to the proxy's key");
  });

  test("an unauthorised call is refused and never reaches the service", async () => {
    const before = await upstreamCalls();
    const res = await fetch(`${worker.url}/api/reve/v2/images/generate`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prompt: "x" }),
    });
    assert.equal(res.status, 401);
    assert.match((await res.json()).error, /Not authorised/);
    assert.equal(await upstreamCalls(), before);
  });

  test("paths and methods outside the allow-list never reach the service", async () => {
    const before = await upstreamCalls();
    const id = "1edc7774-0b17-4480-adb7-6ce0e8889738";
    for (const [method, path, status] of [
      ["GET", "/api/reve/v2/account", 404],
      ["GET", "/api/reve/v2/jobs/../../admin", 404],
      ["POST", "/api/reve/v2/jobs", 405],
      ["DELETE", `/api/reve/v2/jobs/${id}`, 405],
      ["GET", "/api/reve/v2/images/generate", 405],
      ["POST", "/api/reve/v1/images/generate", 404],
    ]) {
      const res = await fetch(`${worker.url}${path}`, withSession({ method }));
      assert.equal(res.status, status, `${method} ${path}`);
    }
    assert.equal(await upstreamCalls(), before);
  });

  test("bad submissions are refused before they cost a credit", async () => {
    const before = await upstreamCalls();
    for (const body of [
      { prompt: "" },
      { prompt: "x", model: "gpt-image-1" },
      { prompt: "x", reveParams: { aspect_ratio: "5:4" } },
    ]) {
      const res = await fetch(`${worker.url}/api/reve/v2/images/generate`, withSession({
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
      }));
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.ok(Object.keys((await res.json()).details).length > 0);
    }
    const huge = await fetch(`${worker.url}/api/reve/v2/images/generate`, withSession({
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ prompt: "x".repeat(40_000) }),
    }));
    assert.equal(huge.status, 413);
    assert.equal(await upstreamCalls(), before);
  });

  test("CORS is explicit: the listed origin may call, another may not", async () => {
    const ok = await fetch(`${worker.url}/api/reve/v2/jobs`, {
      method: "OPTIONS",
      headers: { origin: ORIGIN, "access-control-request-method": "GET" },
    });
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get("access-control-allow-origin"), ORIGIN);
    const bad = await fetch(`${worker.url}/api/reve/v2/jobs`, withSession({ headers: { origin: "http://evil.test" } }));
    assert.equal(bad.status, 403);
    assert.equal(bad.headers.get("access-control-allow-origin"), null);
  });
});

describe("webhooks", () => {
  test("the emulator's signed webhooks are accepted and the final state is stored", async () => {
    const client = new ReveClient({ baseUrl: `${worker.url}/api/reve`, expectedDurationMs: 500, fetch: (u, i) => fetch(u, withSession(i)) });
    const job = await client.run({ prompt: "flyer", webhookUrl: `${worker.url}/webhooks/reve` });
    const kv = await worker.mf.getKVNamespace("JOBS");
    let stored = null;
    for (let i = 0; i < 50 && stored?.event !== "completed"; i++) {
      stored = await kv.get(`job:${job.id}`, "json");
      if (stored?.event !== "completed") await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(stored?.event, "completed");
    assert.equal(stored.status, "COMPLETED");
    const { deliveries } = await (await fetch(`${emu.url}/__emulator/webhooks`)).json();
    const mine = deliveries.filter((d) => d.jobId === job.id);
    assert.ok(mine.length >= 4, "progress and completed events");
    assert.ok(mine.every((d) => d.status === 204), JSON.stringify(mine));
  });

  test("a tampered or unsigned webhook is refused; replays and late events change nothing", async () => {
    const body = JSON.stringify({ event: "completed", jobId: "j-1", status: "COMPLETED", progress: 100, result: { images: ["u"] }, model: "reve-create" });
    const post = (b, signature) => fetch(`${worker.url}/webhooks/reve`, {
      method: "POST", headers: { "content-type": "application/json", ...(signature ? { "x-webhook-signature": signature } : {}) }, body: b,
    });
    assert.equal((await post(body, sign(body.replace("COMPLETED", "FAILED")))).status, 401);
    assert.equal((await post(body.replace("\"u\"", "\"evil\""), sign(body))).status, 401);
    assert.equal((await post(body)).status, 401);
    assert.equal((await post(body, sign(body, "afk_other"))).status, 401);
    assert.equal((await post(body, sign(body).slice("sha256=".length))).status, 204, "bare hex is accepted");
    assert.equal((await post(body, sign(body))).status, 204, "a duplicate is fine");
    const late = JSON.stringify({ event: "progress", jobId: "j-1", status: "PROCESSING", progress: 50, model: "reve-create" });
    assert.equal((await post(late, sign(late))).status, 204);
    const kv = await worker.mf.getKVNamespace("JOBS");
    assert.equal((await kv.get("job:j-1", "json")).event, "completed", "a late progress event does not undo completion");
  });

});
