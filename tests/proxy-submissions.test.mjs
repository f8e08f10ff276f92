// What the proxy refuses before it costs anything: bad settings when it is made, and bad
// submissions before they reach the service.
// Driven as apps drive it, against the emulator: in Node (the handler called with Node's own
// Request) and in workerd (examples/worker through miniflare; skipped on Node 18).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ApiframeError, createProxyHandler } from "apiframe-reve";
import { KEY } from "./support/emulator.mjs";
import {
  emu, inWorkerd, post, upstreamCalls, useProxyEmulator, withSession, worker,
} from "./support/proxy-fixtures.mjs";

useProxyEmulator({ worker: true });

describe("submissions are checked before they cost a credit", () => {
  test("in workerd, bad submissions are refused before they cost a credit", inWorkerd, async () => {
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

  test("a submission of 60,000 unknown keys is refused (400, naming the first) and never forwarded", async () => {
    const handler = createProxyHandler({ apiKey: KEY, upstream: emu.url, maxBodyBytes: 1 << 20, allowAnonymous: true });
    const body = JSON.stringify({ prompt: "x", ...Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`k${i}`, i])) });
    const before = (await emu.stats()).stats.generateRequests;
    const res = await handler(post(body));
    assert.equal(res.status, 400);
    const { details } = await res.json();
    assert.match(details.k0[0], /unknown field "k0"/);
    assert.equal((await emu.stats()).stats.generateRequests, before);
  });

  test("a request body with a lone surrogate or a misspelt field is refused with the field named", async () => {
    const handler = createProxyHandler({ apiKey: KEY, upstream: emu.url, allowAnonymous: true });
    const submit = (body) => handler(new Request("http://proxy.test/v2/images/generate", { method: "POST", body }));
    const lone = await submit('{"prompt":"\\ud800 cut"}');
    assert.equal(lone.status, 400);
    assert.match((await lone.json()).details.prompt[0], /lone UTF-16 surrogate/);
    const typo = await submit(JSON.stringify({ prompt: "x", reveParams: { aspectRatio: "16:9" } }));
    assert.match((await typo.json()).details["reveParams.aspectRatio"][0], /did you mean "aspect_ratio"/);
  });

  test("a body without Content-Length is held to the cap as it streams: 413, never forwarded", async () => {
    const p = createProxyHandler({ apiKey: KEY, upstream: emu.url, allowAnonymous: true, maxBodyBytes: 1024 });
    const before = (await emu.stats()).stats.generateRequests;
    const chunk = new TextEncoder().encode(`{"prompt":"${"x".repeat(600)}`);
    let sent = 0;
    const body = new ReadableStream({
      pull(controller) {
        if (sent++ < 50) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await p(new Request("https://app.test/v2/images/generate", { method: "POST", body, duplex: "half" }));
    assert.equal(res.status, 413);
    assert.ok(sent < 50, `read ${sent} chunks: the proxy stopped early`);
    assert.equal((await emu.stats()).stats.generateRequests, before);
  });

  test("a body that is not UTF-8 is a 400 saying so (not a 413), never forwarded", async () => {
    const handler = createProxyHandler({ apiKey: KEY, upstream: emu.url, allowAnonymous: true });
    const before = (await emu.stats()).stats.generateRequests;
    const latin1 = Uint8Array.from([...'{"prompt":"caf\u00e9"}'].map((c) => c.charCodeAt(0))); // "é" as the one byte 0xE9
    const res = await handler(post(latin1));
    assert.equal(res.status, 400);
    assert.match((await res.json()).details[""][0], /not UTF-8/);
    assert.equal((await emu.stats()).stats.generateRequests, before);
  });
});

describe("settings", () => {
  test("a missing key or a bad option is a typed error at creation", () => {
    assert.throws(() => createProxyHandler({ upstream: emu.url }), (e) => e instanceof ApiframeError && e.details.field === "apiKey");
    assert.throws(() => createProxyHandler({ apiKey: KEY, allowModels: "reve-create" }), (e) => e.details.field === "allowModels");
    assert.throws(() => createProxyHandler({ apiKey: KEY, upstream: "not a url" }), (e) => e.details.field === "upstream");
    // A misspelt limit would quietly leave the proxy more open than meant.
    assert.throws(
      () => createProxyHandler({ apiKey: KEY, upstream: emu.url, maxPromptLen: 200 }),
      (e) => e instanceof ApiframeError && e.details.field === "maxPromptLen" && /did you mean "maxPromptLength"/.test(e.message) && e.details.allowed.includes("allowModels"),
    );
    assert.throws(() => createProxyHandler({ apiKey: KEY, cors: { origin: ["https://app.test"] } }), (e) => e.details.field === "cors.origin" && /did you mean "origins"/.test(e.message));
    assert.throws(() => createProxyHandler({ apiKey: KEY, cors: "*" }), (e) => e.details.field === "cors");
  });
});
