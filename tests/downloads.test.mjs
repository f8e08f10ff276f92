// downloadImages in Node, as a user drives it: against the emulator's output files, and against
// a local output host that records what reached it (headers, how much it sent, when the client
// hung up).
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { ReveClient, ApiframeError, imageUrls } from "apiframe-reve";
import { KEY, pngSize, startEmulator } from "./support/emulator.mjs";

const JOB_MS = 300;
let emu;
let host;

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);
const SIGNATURES = {
  "image/jpeg": [0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70],
  "image/gif": [...Buffer.from("GIF89a"), 1, 0, 1, 0],
  "image/webp": [...Buffer.from("RIFF"), 36, 0, 0, 0, ...Buffer.from("WEBPVP8 ")],
  "image/avif": [0, 0, 0, 28, ...Buffer.from("ftypavif"), 0, 0, 0, 0],
};

/**
 * A local output host: `routes[path](req, res)` answers; every request is recorded with its
 * headers, and `closed` counts responses whose client went away before the end.
 */
async function startHost() {
  const seen = [];
  const routes = {};
  const server = createServer((req, res) => {
    const entry = { path: req.url, headers: req.headers, at: Date.now(), sent: 0, aborted: false };
    seen.push(entry);
    res.on("close", () => { entry.aborted = !res.writableFinished; });
    const route = routes[req.url.split("?")[0]];
    if (!route) return res.writeHead(404).end("no such file");
    route(req, res, entry);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    seen,
    routes,
    reset() { seen.length = 0; for (const k of Object.keys(routes)) delete routes[k]; },
    stop: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

/** A COMPLETED job whose outputs are `paths` on the local host. */
const jobAt = (...paths) => ({
  id: "6f0e0c2a-5a3c-4c5e-9a7e-2b1d3c4e5f60",
  status: "COMPLETED",
  result: { images: paths.map((p) => `${host.url}${p}`) },
});

const client = (opts = {}) =>
  new ReveClient({ apiKey: KEY, baseUrl: emu.url, expectedDurationMs: JOB_MS, ...opts });

async function failure(promise) {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof ApiframeError, `not an ApiframeError: ${e}`);
    return e;
  }
  assert.fail("expected a rejection");
}

before(async () => {
  emu = await startEmulator(["--job-ms", String(JOB_MS)]);
  host = await startHost();
});
after(async () => {
  await host.stop();
  await emu.stop();
});
beforeEach(async () => {
  host.reset();
  await emu.reset();
});

describe("downloadImages", () => {
  test("downloads a finished job's PNG, as the emulator's file has it, with no key sent there", async () => {
    const c = client({ headers: { "x-trace": "t1" } });
    const job = await c.run({ prompt: "A lighthouse at dusk", reveParams: { aspect_ratio: "3:2", seed: 3 } });
    const images = await c.downloadImages(job);
    assert.equal(images.length, 1);
    const [image] = images;
    assert.equal(image.url, imageUrls(job)[0]);
    assert.equal(image.mediaType, "image/png");
    assert.ok(image.bytes instanceof Uint8Array);
    const { width, height } = pngSize(image.bytes);
    assert.equal(width * 2, height * 3);
    const direct = new Uint8Array(await (await fetch(image.url)).arrayBuffer());
    assert.deepEqual(Buffer.from(image.bytes), Buffer.from(direct));
    const { stats } = await emu.stats();
    assert.equal(stats.fileRequests, 2, "ours and the direct fetch");
    assert.equal(stats.fileRequestsWithCredentials, 0, "no key, authorization or cookie reached the output host");
  });

  test("no key, no client headers, no cookies go to the output host, even on the API's own origin", async () => {
    host.routes["/a.png"] = (req, res) => res.writeHead(200, { "content-type": "image/png" }).end(PNG);
    const c = new ReveClient({ apiKey: KEY, baseUrl: host.url, headers: { authorization: "Bearer s3cret", "x-trace": "t1" } });
    await c.downloadImages(jobAt("/a.png"));
    const [{ headers }] = host.seen;
    for (const name of ["x-api-key", "authorization", "cookie", "x-trace", "idempotency-key"]) {
      assert.equal(headers[name], undefined, `${name} reached the output host`);
    }
  });

  test("several outputs come back in the order of imageUrls(job)", async () => {
    host.routes["/1"] = (req, res) => setTimeout(() => res.end(Buffer.from(SIGNATURES["image/gif"])), 60);
    host.routes["/2"] = (req, res) => res.end(PNG);
    const images = await client().downloadImages(jobAt("/1", "/2"));
    assert.deepEqual(images.map((i) => [i.url, i.mediaType]), [[`${host.url}/1`, "image/gif"], [`${host.url}/2`, "image/png"]]);
  });

  test("the media type comes from the bytes (hosts say application/octet-stream), else Content-Type", async () => {
    const paths = [];
    for (const [type, bytes] of Object.entries(SIGNATURES)) {
      const path = `/${type.replace("/", "-")}`;
      host.routes[path] = (req, res) => res.writeHead(200, { "content-type": "application/octet-stream" }).end(Buffer.from(bytes));
      paths.push(path);
    }
    host.routes["/svg"] = (req, res) => res.writeHead(200, { "content-type": "image/svg+xml; charset=utf-8" }).end("<svg/>");
    host.routes["/unknown"] = (req, res) => res.writeHead(200, { "content-type": "application/octet-stream" }).end("????");
    const images = await client().downloadImages(jobAt(...paths, "/svg", "/unknown"));
    assert.deepEqual(images.map((i) => i.mediaType), [...Object.keys(SIGNATURES), "image/svg+xml", "application/octet-stream"]);
  });

  test("503s and a 429 with Retry-After are retried, as a GET to the API is", async () => {
    let n = 0;
    host.routes["/busy"] = (req, res) => {
      n += 1;
      if (n === 1) return res.writeHead(503).end("busy");
      if (n === 2) return res.writeHead(429, { "retry-after": "1" }).end();
      res.end(PNG);
    };
    const [image] = await client({ maxRetries: 2 }).downloadImages(jobAt("/busy"));
    assert.equal(image.mediaType, "image/png");
    assert.equal(host.seen.length, 3);
    const waited = host.seen[2].at - host.seen[1].at;
    assert.ok(waited >= 950, `Retry-After honoured: ${waited} ms`);
  });

  test("a 404 is not retried: not_found, saying the outputs expired, with the URL and the jobId", async () => {
    const e = await failure(client().downloadImages(jobAt("/gone.png")));
    assert.equal(e.code, "not_found");
    assert.equal(e.status, 404);
    assert.equal(e.retryable, false);
    assert.match(e.message, /expired/);
    assert.match(e.message, /24 hours/);
    assert.equal(e.details.url, `${host.url}/gone.png`);
    assert.equal(e.jobId, jobAt().id);
    assert.equal(host.seen.length, 1, "never retried");
  });

  test("network failures are retried, then rejected as network", async () => {
    host.routes["/reset"] = (req) => req.socket.destroy();
    const e = await failure(client({ maxRetries: 1 }).downloadImages(jobAt("/reset")));
    assert.equal(e.code, "network");
    assert.equal(host.seen.length, 2);
  });

  test("a body past maxBytes is refused as it passes, without a length declared, and the host stops sending", async () => {
    host.routes["/endless"] = (req, res, entry) => {
      res.writeHead(200, { "content-type": "image/png" });
      const chunk = Buffer.alloc(64 * 1024, 1);
      let count = 0;
      const pump = () => {
        // Bounded: at most 64 MiB, far past the cap.
        while (count < 1024 && !res.destroyed) {
          count += 1;
          entry.sent += chunk.length;
          if (!res.write(chunk)) return res.once("drain", pump);
        }
        if (!res.destroyed) res.end();
      };
      pump();
    };
    const started = Date.now();
    const e = await failure(client().downloadImages(jobAt("/endless"), { maxBytes: 200_000 }));
    assert.equal(e.code, "invalid_request");
    assert.equal(e.details.field, "maxBytes");
    assert.match(e.message, /200000 bytes/);
    assert.ok(Date.now() - started < 3000);
    await new Promise((r) => setTimeout(r, 200));
    const [entry] = host.seen;
    assert.equal(entry.aborted, true, "the connection was closed before the end");
    assert.ok(entry.sent < 16 * 1024 * 1024, `the host stopped early: ${entry.sent} bytes written`);
    assert.equal(host.seen.length, 1, "a capped body is not retried");
  });

  test("a declared Content-Length past maxBytes is refused before the body is read", async () => {
    host.routes["/big"] = (req, res) => res.writeHead(200, { "content-length": "5000000" }).end(Buffer.alloc(5_000_000));
    const e = await failure(client().downloadImages(jobAt("/big"), { maxBytes: 1000 }));
    assert.equal(e.details.field, "maxBytes");
    assert.match(e.message, /declares/);
  });

  test("the signal ends a download at once, and the host sees the connection close", async () => {
    host.routes["/slow"] = (req, res) => {
      res.writeHead(200);
      res.write(PNG);
      // The rest never comes; the test's abort ends it.
    };
    const controller = new AbortController();
    const pending = client().downloadImages(jobAt("/slow"), { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 150));
    const at = Date.now();
    controller.abort(new Error("user left"));
    const e = await failure(pending);
    assert.equal(e.code, "aborted");
    assert.equal(e.name, "AbortError");
    assert.ok(Date.now() - at < 100, "at once");
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(host.seen[0].aborted, true);
  });

  test("timeoutMs limits silence, not the body: 400 KB trickling in over 3 s arrives whole with timeoutMs 1000", async () => {
    const body = Buffer.alloc(400 * 1024, 7);
    body.set(PNG);
    host.routes["/trickle"] = (req, res, entry) => {
      res.writeHead(200, { "content-type": "image/png", "content-length": String(body.length) });
      // 40 chunks of 10 KB, one each 75 ms: the whole takes 3 s, no gap comes near 1 s.
      let at = 0;
      const next = () => {
        if (res.destroyed) return;
        const chunk = body.subarray(at, at + 10 * 1024);
        at += chunk.length;
        entry.sent += chunk.length;
        if (at >= body.length) { entry.lastAt = Date.now(); return res.end(chunk); }
        res.write(chunk);
        setTimeout(next, 75);
      };
      next();
    };
    const [image] = await client({ timeoutMs: 1000, maxRetries: 0 }).downloadImages(jobAt("/trickle"));
    assert.equal(image.mediaType, "image/png");
    assert.deepEqual(Buffer.from(image.bytes), body);
    const [entry] = host.seen;
    assert.ok(entry.lastAt - entry.at > 1000, "the setup holds: the body took longer than timeoutMs");
    assert.equal(host.seen.length, 1, "one attempt, never cut");
  });

  test("a body that stalls for timeoutMs rejects timeout with the jobId, retried, each connection closed", async () => {
    host.routes["/stall"] = (req, res, entry) => {
      res.writeHead(200, { "content-type": "image/png" });
      res.write(PNG);
      entry.sent += PNG.length;
      // The rest never comes.
    };
    const e = await failure(client({ timeoutMs: 300, maxRetries: 1 }).downloadImages(jobAt("/stall")));
    assert.equal(e.code, "timeout");
    assert.equal(e.retryable, true);
    assert.equal(e.jobId, jobAt().id);
    assert.equal(e.details.url, `${host.url}/stall`);
    assert.equal(e.details.timeoutMs, 300);
    assert.match(e.message, /the next bytes of the body did not come within timeoutMs \(300 ms\)/);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(host.seen.length, 2, "a stall is retried as a timeout is");
    assert.deepEqual(host.seen.map((s) => s.aborted), [true, true], "the host sees each connection closed");
  });

  test("the headers still answer within timeoutMs: a host that never answers rejects timeout, the connection closed", async () => {
    host.routes["/silent"] = () => {};
    const e = await failure(client({ timeoutMs: 300, maxRetries: 0 }).downloadImages(jobAt("/silent")));
    assert.equal(e.code, "timeout");
    assert.equal(e.jobId, jobAt().id);
    assert.match(e.message, /the host's answer did not come within timeoutMs \(300 ms\)/);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(host.seen[0].aborted, true);
  });

  test("a job with no outputs yet is refused before anything is sent", async () => {
    const c = client();
    const accepted = await c.generate({ prompt: "still rendering" });
    const running = await c.getJob(accepted.jobId);
    assert.notEqual(running.status, "COMPLETED");
    const before = (await emu.stats()).stats.fileRequests;
    const e = await failure(c.downloadImages(running));
    assert.equal(e.code, "invalid_request");
    assert.equal(e.jobId, accepted.jobId);
    assert.match(e.message, /waitForJob/);
    assert.equal((await emu.stats()).stats.fileRequests, before);
    assert.equal((await failure(c.downloadImages("not a job"))).details.field, "job");
    assert.equal((await failure(c.downloadImages(jobAt("/a"), { maxBytes: 0 }))).details.field, "maxBytes");
    assert.match((await failure(c.downloadImages(jobAt("/a"), { maxByte: 10 }))).message, /did you mean "maxBytes"/);
    assert.equal(host.seen.length, 0);
  });
});

describe("downloadImages after the outputs expired", () => {
  let short;
  before(async () => { short = await startEmulator(["--job-ms", "200", "--retention-ms", "600"]); });
  after(() => short.stop());

  test("a job read after it expired is refused not_found before any request; one read earlier gets the host's 404", async () => {
    const c = new ReveClient({ apiKey: KEY, baseUrl: short.url, expectedDurationMs: 200 });
    const job = await c.run({ prompt: "short-lived" });
    await new Promise((r) => setTimeout(r, 900));
    const later = await c.getJob(job.id);
    assert.equal(later.expired, true);
    const before = (await short.stats()).stats.fileRequests;
    const e = await failure(c.downloadImages(later));
    assert.equal(e.code, "not_found");
    assert.match(e.message, /expired/);
    assert.equal((await short.stats()).stats.fileRequests, before, "nothing was fetched");
    const stale = await failure(c.downloadImages(job));
    assert.equal(stale.code, "not_found");
    assert.equal(stale.status, 404);
    assert.equal(stale.jobId, job.id);
    assert.equal((await short.stats()).stats.fileRequests, before + 1, "one look, not retried");
  });
});
