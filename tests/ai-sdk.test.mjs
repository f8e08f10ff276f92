// apiframe-reve/ai driven through the real AI SDK's generateImage (ai 6 and ai 7, pinned in
// scripts/test.sh) against the emulator, as a user's route handler calls it.
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { generateImage as generateImage6 } from "ai6";
import { generateImage as generateImage7 } from "ai7";
import { ApiframeError } from "apiframe-reve";
import { apiframe, createApiframe } from "apiframe-reve/ai";
import { KEY, pngSize, startEmulator } from "./support/emulator.mjs";

globalThis.AI_SDK_LOG_WARNINGS = false;
const JOB_MS = 300;
let emu;

before(async () => { emu = await startEmulator(["--job-ms", String(JOB_MS)]); });
after(() => emu.stop());
beforeEach(() => emu.reset());

/** A fetch that records every request's URL and headers, then sends it. */
function recordingFetch(onRequest = () => {}) {
  const seen = [];
  const f = (url, init = {}) => {
    const entry = { url: String(url), method: init.method ?? "GET", headers: new Headers(init.headers ?? {}), body: init.body, at: Date.now() };
    seen.push(entry);
    onRequest(entry);
    return fetch(url, init);
  };
  return { fetch: f, seen };
}

async function rejection(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail("expected a rejection");
}

const jobsCreated = async () => (await emu.stats()).stats.jobsCreated;

for (const [version, generateImage] of [["ai 6", generateImage6], ["ai 7", generateImage7]]) {
  describe(`generateImage of ${version}`, () => {
    const provider = () => createApiframe({ apiKey: KEY, baseURL: emu.url });

    test("n: 2 at 16:9 with a seed: two jobs, two true PNGs, and their metadata", async () => {
      const { images, warnings, providerMetadata, responses } = await generateImage({
        model: provider().image("reve-create"),
        prompt: "A lighthouse at dusk",
        n: 2,
        aspectRatio: "16:9",
        seed: 7,
      });
      assert.equal(images.length, 2);
      for (const image of images) {
        assert.equal(image.mediaType, "image/png");
        const { width, height } = pngSize(image.uint8Array);
        assert.equal(width * 9, height * 16);
      }
      assert.deepEqual(warnings, []);
      const meta = providerMetadata.apiframe.images;
      assert.equal(meta.length, 2);
      assert.notEqual(meta[0].jobId, meta[1].jobId);
      for (const m of meta) {
        assert.match(m.jobId, /^[0-9a-f-]{36}$/);
        assert.equal(m.creditCost, 4);
        assert.equal(m.aspectRatio, "16:9");
        assert.equal(m.seed, 7);
      }
      assert.equal(await jobsCreated(), 2);
      assert.equal(responses[0].modelId, "reve-create");
      assert.ok(responses[0].timestamp instanceof Date);
    });

    test("a size is sent as the aspect ratio it reduces to, with a warning", async () => {
      const { images, warnings, providerMetadata } = await generateImage({ model: provider().image("reve-create"), prompt: "x", size: "1024x1024" });
      const { width, height } = pngSize(images[0].uint8Array);
      assert.equal(width, height);
      assert.equal(providerMetadata.apiframe.images[0].aspectRatio, "1:1");
      assert.equal(warnings.length, 1);
      assert.equal(warnings[0].type, "unsupported");
      assert.equal(warnings[0].feature, "size");
      assert.match(warnings[0].details, /aspect ratios, not sizes/);
    });

    test("a ratio Reve lacks is refused before anything is sent, naming the 7", async () => {
      const e = await rejection(generateImage({ model: provider().image("reve-create"), prompt: "x", aspectRatio: "21:9" }));
      assert.ok(e instanceof ApiframeError, String(e));
      assert.equal(e.code, "invalid_request");
      assert.equal(e.details.field, "aspectRatio");
      assert.deepEqual(e.details.allowed, ["16:9", "9:16", "3:2", "2:3", "4:3", "3:4", "1:1"]);
      assert.equal((await emu.stats()).stats.generateRequests, 0);
    });

    test("prompt images and masks (editing) are refused before sending", async () => {
      const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      const e = await rejection(generateImage({ model: provider().image("reve-create"), prompt: { text: "make it blue", images: [png] } }));
      assert.equal(e.code, "invalid_request");
      assert.equal(e.details.field, "files");
      const m = await rejection(generateImage({ model: provider().image("reve-create"), prompt: { text: "fill", images: [png], mask: png } }));
      assert.equal(m.code, "invalid_request");
      assert.equal((await emu.stats()).stats.generateRequests, 0);
    });

    test("providerOptions.apiframe reach the job, closed with did-you-mean", async () => {
      const rec = recordingFetch();
      const model = createApiframe({ apiKey: KEY, baseURL: emu.url, fetch: rec.fetch }).image("reve-create");
      await generateImage({
        model,
        prompt: "x",
        providerOptions: { apiframe: { version: "v2", webhookUrl: `${emu.url}/__emulator/sink`, webhookEvents: ["completed"], timeoutMs: 30_000 } },
      });
      const submits = rec.seen.filter((r) => r.method === "POST");
      assert.equal(submits.length, 1);
      assert.deepEqual(JSON.parse(submits[0].body), {
        prompt: "x",
        model: "reve-create",
        reveParams: { version: "v2" },
        webhookUrl: `${emu.url}/__emulator/sink`,
        webhookEvents: ["completed"],
      });
      const e = await rejection(generateImage({ model, prompt: "x", providerOptions: { apiframe: { webhookURL: "https://x.test/h" } } }));
      assert.equal(e.code, "invalid_request");
      assert.match(e.message, /did you mean "webhookUrl"/);
    });

    test("headers go to the API requests only, never to the output host", async () => {
      const rec = recordingFetch();
      const model = createApiframe({ apiKey: KEY, baseURL: emu.url, fetch: rec.fetch, headers: { "x-app": "a1" } }).image("reve-create");
      await generateImage({ model, prompt: "x", headers: { "x-trace": "t1" } });
      const api = rec.seen.filter((r) => r.url.includes("/v2/"));
      const files = rec.seen.filter((r) => r.url.includes("/files/"));
      assert.ok(api.length >= 2 && files.length === 1, rec.seen.map((r) => r.url).join(" "));
      for (const r of api) {
        assert.equal(r.headers.get("x-app"), "a1");
        assert.equal(r.headers.get("x-trace"), "t1");
        assert.equal(r.headers.get("x-api-key"), KEY);
      }
      for (const name of ["x-app", "x-trace", "x-api-key", "authorization"]) assert.equal(files[0].headers.get(name), null, name);
    });

    test("abortSignal ends the wait at once and no request follows", async () => {
      const rec = recordingFetch();
      const model = createApiframe({ apiKey: KEY, baseURL: emu.url, fetch: rec.fetch }).image("reve-create");
      const controller = new AbortController();
      let abortedAt;
      setTimeout(() => { abortedAt = Date.now(); controller.abort(); }, 100);
      const e = await rejection(generateImage({ model, prompt: "x", abortSignal: controller.signal }));
      assert.equal(e.name, "AbortError");
      assert.ok(Date.now() - abortedAt < 100, "at once");
      assert.match(e.jobId, /^[0-9a-f-]{36}$/, "the billed job is named");
      const sent = rec.seen.length;
      // The first poll was due about 3 s after the submission (the default expected duration).
      await new Promise((r) => setTimeout(r, 3500));
      assert.equal(rec.seen.length, sent, "no poll after the abort");
    });

    test("a download that fails once the job is billed is not retryable, and says to wait for the job", async () => {
      await emu.fault({ kind: "500", count: 3, route: "file" }); // every attempt (maxRetries 2)
      const model = createApiframe({ apiKey: KEY, baseURL: emu.url }).image("reve-create");
      const e = await rejection(generateImage({ model, prompt: "x" }));
      assert.ok(e instanceof ApiframeError, String(e));
      assert.equal(e.code, "server");
      assert.equal(e.retryable, false, "generateImage again would make and bill a second job");
      assert.match(e.jobId, /^[0-9a-f-]{36}$/);
      assert.ok(e.message.includes(`waitForJob("${e.jobId}")`), e.message);
      assert.equal(await jobsCreated(), 1);
    });

    test("abortSignal ends a download at once", async () => {
      await emu.fault({ kind: "slow", route: "file", delayMs: 3000 });
      const controller = new AbortController();
      let abortedAt;
      const rec = recordingFetch((r) => {
        if (r.url.includes("/files/")) setTimeout(() => { abortedAt = Date.now(); controller.abort(); }, 50);
      });
      const model = createApiframe({ apiKey: KEY, baseURL: emu.url, fetch: rec.fetch }).image("reve-create");
      const e = await rejection(generateImage({ model, prompt: "x", abortSignal: controller.signal }));
      assert.equal(e.name, "AbortError");
      assert.ok(Date.now() - abortedAt < 100, "at once");
      const sent = rec.seen.length;
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(rec.seen.length, sent);
    });
  });
}

describe("the provider", () => {
  test("another model id is refused, naming the one served", () => {
    assert.throws(() => createApiframe({ apiKey: KEY }).image("dall-e-3"), (e) => e instanceof ApiframeError && e.details.field === "modelId" && /"reve-create"/.test(e.message));
    assert.throws(() => createApiframe({ apiKey: KEY }).languageModel("gpt"), ApiframeError);
  });

  test("settings are closed", () => {
    assert.throws(() => createApiframe({ apiKey: KEY, baseUrl: "https://x" }), /did you mean "baseURL"/);
  });

  test("apiframe, the default instance, reads APIFRAME_API_KEY and APIFRAME_BASE_URL at its first call", async () => {
    process.env.APIFRAME_API_KEY = KEY;
    process.env.APIFRAME_BASE_URL = emu.url;
    try {
      const model = apiframe.image("reve-create");
      assert.equal(model.specificationVersion, "v3");
      assert.equal(model.provider, "apiframe");
      assert.equal(model.maxImagesPerCall, 1);
      const { images } = await generateImage6({ model, prompt: "from the environment" });
      assert.equal(images.length, 1);
      assert.equal(await jobsCreated(), 1);
    } finally {
      delete process.env.APIFRAME_API_KEY;
      delete process.env.APIFRAME_BASE_URL;
    }
  });
});
