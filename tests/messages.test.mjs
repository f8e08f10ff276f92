// What a type error says, through the shipped module: core::decode reads serde's text to name the
// field and what was given, so these pin serde-wasm-bindgen's exact wording as it reaches the
// caller (the native tests see only serde_json's). A new serde-wasm-bindgen that words its errors
// otherwise fails here, not in a user's error message. Nothing is sent for any of them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ApiframeError, ReveClient } from "apiframe-reve";

// An address nothing listens on: a request that got out would fail as `network`, not as these.
const client = new ReveClient({ apiKey: "afk_local_dev", baseUrl: "http://127.0.0.1:9" });

async function refusal(request) {
  try {
    await client.generate(request);
  } catch (e) {
    assert.ok(e instanceof ApiframeError);
    assert.equal(e.code, "invalid_request", e.message);
    return [e.details.field, e.message];
  }
  assert.fail("expected a refusal");
}

const PROMPT = "prompt must be a string of 1 to 2000 characters";
const SEED = "reveParams.seed must be a whole number from -(2^53-1) to 2^53-1";

test("a request's type errors name the field, what it takes, and what was given as written", async () => {
  for (const [request, field, message] of [
    [{}, "prompt", "prompt is required: a string of 1 to 2000 characters"],
    [{ prompt: 5 }, "prompt", `${PROMPT}, got 5`],
    [{ prompt: 1.5 }, "prompt", `${PROMPT}, got 1.5`],
    [{ prompt: true }, "prompt", `${PROMPT}, got true`],
    [{ prompt: null }, "prompt", `${PROMPT}, got null`],
    [{ prompt: ["a"] }, "prompt", `${PROMPT}, got ["a"]`],
    [{ prompt: { text: "a" } }, "prompt", `${PROMPT}, got {"text":"a"}`],
    [{ prompt: Array(60).fill(12) }, "prompt", `${PROMPT}, got [${"12,".repeat(33)}…`],
    [{ prompt: "x", reveParams: { seed: "1" } }, "reveParams.seed", `${SEED}, got string "1"`],
    [{ prompt: "x", reveParams: { seed: 1.5 } }, "reveParams.seed", `${SEED}, got 1.5`],
    [{ prompt: "x", reveParams: "wide" }, "reveParams", 'reveParams must be an object like { aspect_ratio: "16:9", seed: 1 }, got string "wide"'],
    [{ prompt: "x", reveParams: { aspect_ratio: "21:9" } }, "reveParams.aspect_ratio", 'reveParams.aspect_ratio must be one of "16:9", "9:16", "3:2", "2:3", "4:3", "3:4", "1:1", got "21:9"'],
    [{ prompt: "x", webhookEvents: ["done"] }, "webhookEvents", 'webhookEvents must be a non-empty array of "progress", "completed", "failed", got "done"'],
    [{ prompt: "x", model: "flux" }, "model", 'model must be "reve-create" (or left out), got "flux"'],
  ]) {
    assert.deepEqual(await refusal(request), [field, message], JSON.stringify(request));
  }
});

test("settings' type errors read the same way", () => {
  for (const [settings, message] of [
    [{ maxRetries: "2" }, 'maxRetries must be a number, got string "2"'],
    [{ timeoutMs: true }, "timeoutMs must be a number, got true"],
    [{ timeoutMs: [5] }, "timeoutMs must be a number, got [5]"],
    [{ timeoutMs: 5n }, "timeoutMs must be a number, got a bigint"],
    [{ maxRetries: null }, null],
    [{ dangerouslyAllowBrowser: "yes" }, 'dangerouslyAllowBrowser must be true or false, got string "yes"'],
  ]) {
    if (message === null) {
      assert.doesNotThrow(() => new ReveClient({ apiKey: "k", ...settings }), "null means not set");
      continue;
    }
    assert.throws(() => new ReveClient({ apiKey: "k", ...settings }), (e) => e instanceof ApiframeError && e.message === message, JSON.stringify(settings, (_, v) => (typeof v === "bigint" ? `${v}n` : v)));
  }
});

test("a secret is never shown, and the field named is the one that failed", async () => {
  const SECRET = "afk_live_SECRET";
  const refused = (f, message) => assert.throws(f, (e) => e instanceof ApiframeError && message.test(e.message) && !e.message.includes(SECRET), String(message));
  // Two fields failing alike: one of them is named, not the whole object (which holds the key).
  refused(() => new ReveClient({ apiKey: SECRET, maxRetries: "3", timeoutMs: "5000" }), /^(maxRetries must be a number, got string "3"|timeoutMs must be a number, got string "5000")$/);
  // The key's own field: what kind of value, never the value.
  refused(() => new ReveClient({ apiKey: [SECRET] }), /^apiKey must be a string, got an array$/);
  refused(() => new ReveClient({ apiKey: new String(SECRET) }), /^apiKey must be a string, got a string$/);
  refused(() => new ReveClient(SECRET), /^options must be an object/);
  // A field serde reads from the prototype (an inherited key) is not taken for the one that failed.
  refused(() => new ReveClient(Object.assign(Object.create({ apiKey: SECRET }), { maxRetries: "3" })), /^maxRetries must be a number, got string "3"$/);
  // A field set to undefined is one serde reads.
  const { createProxyHandler } = await import("apiframe-reve");
  refused(() => createProxyHandler({ apiKey: undefined }), /^apiKey must be .*, got null$/);
  const [field] = await refusal({ prompt: 5, webhookUrl: 5 });
  assert.ok(field === "prompt" || field === "webhookUrl", field);
  // A large object where a string belongs: named, shown in part.
  const [big, message] = await refusal({ prompt: Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`k${i}`, i])) });
  assert.equal(big, "prompt");
  assert.ok(message.length < 200 && message.endsWith("…"), message);
});
