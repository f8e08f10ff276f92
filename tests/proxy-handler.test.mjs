// createProxyHandler in plain Node, with no workerd: Node's own Request, its refusals and its
// checks. These also run under Node 18. (The proxy in workerd is in tests/edge.test.mjs; many
// users, one key in tests/multiuser.test.mjs.)
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ApiframeError, createProxyHandler } from "apiframe-reve";
import { KEY, startEmulator } from "./support/emulator.mjs";

let emu;

before(async () => { emu = await startEmulator(["--job-ms", "300"]); });
after(() => emu?.stop());

describe("the proxy handler in Node", () => {
  const generate = (headers = {}) => new Request("http://proxy.test/v2/images/generate", {
    method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ prompt: "x" }),
  });

  test("strict by default: with neither authorize nor allowAnonymous every call is refused, saying what to set", async () => {
    const handler = createProxyHandler({ apiKey: KEY, upstream: emu.url });
    const res = await handler(generate());
    assert.equal(res.status, 401);
    assert.match((await res.json()).error, /authorize\(request\).*allowAnonymous: true/);
  });

  test("it runs on Node's own Request and passes Idempotency-Key through", async () => {
    const handler = createProxyHandler({ apiKey: KEY, upstream: emu.url, authorize: async (req) => req.headers.get("authorization") === "Bearer ok" });
    const a = await handler(generate({ authorization: "Bearer ok", "idempotency-key": "order-77" }));
    const b = await handler(generate({ authorization: "Bearer ok", "idempotency-key": "order-77" }));
    assert.equal(a.status, 202);
    assert.match(a.headers.get("x-request-id"), /^req_/);
    assert.equal((await a.json()).jobId, (await b.json()).jobId, "the same key gave the same job");
    assert.equal((await handler(generate({ authorization: "Bearer no" }))).status, 401);
  });

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

  test("a submission of 60,000 unknown keys is refused (400, naming the first) and never forwarded", async () => {
    const handler = createProxyHandler({ apiKey: KEY, upstream: emu.url, maxBodyBytes: 1 << 20, allowAnonymous: true });
    const body = JSON.stringify({ prompt: "x", ...Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`k${i}`, i])) });
    const before = (await emu.stats()).stats.generateRequests;
    const res = await handler(new Request("http://proxy.test/v2/images/generate", { method: "POST", body, headers: { "content-type": "application/json" } }));
    assert.equal(res.status, 400);
    const { details } = await res.json();
    assert.match(details.k0[0], /unknown field "k0"/);
    assert.equal((await emu.stats()).stats.generateRequests, before);
  });

  test("a request body with a lone surrogate or a misspelt field is refused with the field named", async () => {
    const handler = createProxyHandler({ apiKey: KEY, upstream: emu.url, allowAnonymous: true });
    const post = (body) => handler(new Request("http://proxy.test/v2/images/generate", { method: "POST", body }));
    const lone = await post('{"prompt":"\\ud800 cut"}');
    assert.equal(lone.status, 400);
    assert.match((await lone.json()).details.prompt[0], /lone UTF-16 surrogate/);
    const typo = await post(JSON.stringify({ prompt: "x", reveParams: { aspectRatio: "16:9" } }));
    assert.match((await typo.json()).details["reveParams.aspectRatio"][0], /did you mean "aspect_ratio"/);
  });

  test("an unreachable upstream answers 502, not a crash", async () => {
    const handler = createProxyHandler({ apiKey: KEY, upstream: "http://127.0.0.1:9", allowAnonymous: true });
    const res = await handler(new Request("http://proxy.test/v2/jobs"));
    assert.equal(res.status, 502);
  });
});
