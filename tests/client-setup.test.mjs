// The client in Node: `new ReveClient(...)`'s settings (a caller's fetch, the key's form and
// where it goes), listJobs' pages, and imageUrls.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ReveClient, ApiframeError, imageUrls } from "apiframe-reve";
import { client, emu, failure, useEmulator } from "./support/client-fixtures.mjs";
import { KEY } from "./support/emulator.mjs";

useEmulator();

describe("client set-up", () => {
  test("bad options name the option", () => {
    const bad = [
      [{}, "apiKey"],
      [{ apiKey: KEY, baseUrl: "api.apiframe.ai" }, "baseUrl"],
      [{ apiKey: KEY, maxRetries: 11 }, "maxRetries"],
      [{ apiKey: KEY, maxRetries: 1.5 }, "maxRetries"],
      [{ apiKey: KEY, timeoutMs: -1 }, "timeoutMs"],
      [{ apiKey: KEY, fetch: "yes" }, "fetch"],
      [{ apiKey: 7 }, "apiKey"],
    ];
    for (const [opts, field] of bad) {
      assert.throws(() => new ReveClient(opts), (e) => e instanceof ApiframeError && e.details.field === field, field);
    }
  });

  test("a misspelt option is refused, naming it, the likely intended name and the allowed ones", () => {
    assert.throws(
      () => new ReveClient({ apiKey: KEY, baseUrl: emu.url, maxRetry: 5 }),
      (e) =>
        e instanceof ApiframeError &&
        e.code === "invalid_request" &&
        e.details.field === "maxRetry" &&
        e.details.allowed.includes("maxRetries") &&
        e.message.startsWith('unknown option "maxRetry" (did you mean "maxRetries"?); options takes apiKey, baseUrl,'),
    );
    assert.throws(() => new ReveClient({ apikey: KEY }), (e) => e.details.field === "apikey" && /did you mean "apiKey"/.test(e.message));
    // A spread settings object may carry names set to undefined: those are not settings.
    assert.doesNotThrow(() => new ReveClient({ apiKey: KEY, baseUrl: emu.url, somethingElse: undefined }));
  });

  test("a caller's fetch is used, called unbound", async () => {
    const calls = [];
    const myFetch = function (url, init) {
      calls.push({ url, self: this, method: init.method });
      return fetch(url, init);
    };
    const c = new ReveClient({ apiKey: KEY, baseUrl: `${emu.url}/`, fetch: myFetch });
    await c.listJobs({ limit: 5 });
    assert.equal(calls.length, 1);
    assert.equal(calls[0].self, undefined);
    assert.equal(calls[0].url, `${emu.url}/v2/jobs?limit=5`);
  });

  test("a caller's fetch that hands back odd objects gives typed errors, not a crash", async () => {
    const odd = [
      { status: 200, headers: new Headers(), text: () => "a string, not a promise" },
      { status: 200, headers: new Headers(), text: () => Promise.reject(new Error("stream broke")) },
      "not a response at all",
    ];
    for (const answer of odd) {
      const c = new ReveClient({ apiKey: KEY, baseUrl: emu.url, maxRetries: 0, fetch: async () => answer });
      const e = await failure(() => c.listJobs());
      assert.ok(["network", "server"].includes(e.code), `${e.code}: ${e.message}`);
    }
    assert.ok(Array.isArray((await client().listJobs()).jobs), "the instance still works");
  });

  test("the key goes only to baseUrl, in X-API-Key", async () => {
    const seen = [];
    const c = new ReveClient({
      apiKey: KEY,
      baseUrl: emu.url,
      fetch: (url, init) => { seen.push([url, new Headers(init.headers).get("x-api-key")]); return fetch(url, init); },
    });
    await c.run({ prompt: "x" });
    assert.ok(seen.length >= 2);
    for (const [url, key] of seen) {
      assert.ok(url.startsWith(emu.url), url);
      assert.equal(key, KEY);
    }
  });

  test("no error shows the API key", async () => {
    const secret = "afk_secret_never_shown_123";
    await emu.control("keys", { key: secret, credits: 0 });
    const c = new ReveClient({ apiKey: secret, baseUrl: emu.url, maxRetries: 0 });
    const errors = [
      await failure(() => c.generate({ prompt: "x" })),
      await failure(() => c.generate({ prompt: "" })),
      await failure(() => new ReveClient({ apiKey: secret, baseUrl: "http://127.0.0.1:9", maxRetries: 0 }).listJobs()),
    ];
    for (const e of errors) {
      const text = [e.message, String(e), JSON.stringify(e), e.stack, JSON.stringify(e.details)].join("\n");
      assert.ok(!text.includes(secret), text);
    }
  });

  test("listJobs pages through every job with the cursor", async () => {
    const c = client();
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await c.generate({ prompt: `p${i}` })).jobId);
    const listed = [];
    let cursor;
    do {
      const page = await c.listJobs({ limit: 2, cursor });
      listed.push(...page.jobs.map((j) => j.id));
      cursor = page.hasMore ? page.nextCursor : undefined;
    } while (cursor);
    assert.deepEqual(listed, ids.reverse());
  });

  test("imageUrls reads every documented result shape", () => {
    assert.deepEqual(imageUrls({ result: { images: ["https://a/1", "https://a/2"] } }), ["https://a/1", "https://a/2"]);
    assert.deepEqual(imageUrls({ result: "http://u" }), ["http://u"]);
    assert.deepEqual(imageUrls({ result: ["https://u", "blob:https://app/v"] }), ["https://u", "blob:https://app/v"]);
    assert.deepEqual(imageUrls({ result: null }), []);
    assert.deepEqual(imageUrls(undefined), []);
  });

  test("imageUrls lets only http, https and blob URLs through, so each is safe in href or src", () => {
    const hostile = { result: { images: ["javascript:alert(1)", " JaVaScRiPt:alert(1)", "data:text/html,<script>x</script>", "https://ok.example/i.png"] } };
    assert.deepEqual(imageUrls(hostile), ["https://ok.example/i.png"]);
  });

  test("an API key with a control character is refused when the client is made, and never shown", async () => {
    const secret = "afk_secret_never_shown_123";
    for (const pasted of [`${secret}\nx`, `${secret}\0x`, `${secret} x`]) {
      assert.throws(() => new ReveClient({ apiKey: pasted, baseUrl: emu.url }), (e) => {
        const text = [e.message, String(e), JSON.stringify(e), e.stack, String(e.cause)].join("\n");
        assert.ok(!text.includes("secret"), text);
        return e instanceof ApiframeError && e.code === "invalid_request" && e.details.field === "apiKey";
      });
    }
    // Surrounding white space (a copied line) is trimmed, and the key works.
    const c = new ReveClient({ apiKey: ` ${KEY}\n`, baseUrl: emu.url });
    assert.ok(Array.isArray((await c.listJobs()).jobs));
  });
});
