// Who may call through the key-keeping proxy (createProxyHandler): authorize, the strict
// default, CORS.
// Driven as apps drive it, against the emulator: in Node (the handler called with Node's own
// Request) and in workerd (examples/worker through miniflare; skipped on Node 18).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createProxyHandler } from "apiframe-reve";
import { KEY } from "./support/emulator.mjs";
import {
  emu, failure, inWorkerd, ORIGIN, post, upstreamCalls, useProxyEmulator, withSession, worker,
} from "./support/proxy-fixtures.mjs";

useProxyEmulator({ worker: true });

describe("who may call", () => {
  test("strict by default: with neither authorize nor allowAnonymous every call is refused, saying what to set", async () => {
    const handler = createProxyHandler({ apiKey: KEY, upstream: emu.url });
    const res = await handler(post(JSON.stringify({ prompt: "x" })));
    assert.equal(res.status, 401);
    assert.match((await res.json()).error, /authorize\(request\).*allowAnonymous: true/);
  });

  test("in workerd, an unauthorised call is refused and never reaches the service", inWorkerd, async () => {
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

  test("an identity that is not a non-empty string is the app's bug: a typed error at the first request", async () => {
    for (const identity of ["", 42, { id: "alice" }]) {
      const handler = createProxyHandler({ apiKey: KEY, upstream: emu.url, authorize: () => identity });
      const e = await failure(handler(new Request("https://app.test/v2/jobs")));
      assert.equal(e.code, "invalid_request");
      assert.equal(e.details.field, "authorize");
    }
  });

  test("in workerd, CORS is explicit: the listed origin may call, another may not", inWorkerd, async () => {
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

  test("with CORS configured, every answer says Vary: Origin", async () => {
    const p = createProxyHandler({ apiKey: KEY, upstream: emu.url, allowAnonymous: true, cors: ["https://app.example"] });
    for (const init of [{}, { headers: { origin: "https://app.example" } }, { headers: { origin: "https://evil.example" } }]) {
      const res = await p(new Request("https://proxy.test/v2/jobs", init));
      assert.match(res.headers.get("vary") ?? "", /origin/i, JSON.stringify(init));
    }
  });
});
