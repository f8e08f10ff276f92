// The client in Node: requests and arguments checked before any request, each error naming
// its field, and the service's own refusal typed the same way.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { client, emu, failure, useEmulator } from "./support/client-fixtures.mjs";

useEmulator();

describe("validation before any request", () => {
  const cases = [
    [{}, "prompt"],
    [{ prompt: "" }, "prompt"],
    [{ prompt: "x".repeat(2001) }, "prompt"],
    [{ prompt: 42 }, "prompt"],
    [{ prompt: "x", model: "flux-pro" }, "model"],
    [{ prompt: "x", reveParams: { aspect_ratio: "21:9" } }, "reveParams.aspect_ratio"],
    [{ prompt: "x", reveParams: { seed: 1.5 } }, "reveParams.seed"],
    [{ prompt: "x", reveParams: { seed: 2 ** 53 } }, "reveParams.seed"],
    [{ prompt: "x", reveParams: { seed: "7" } }, "reveParams.seed"],
    [{ prompt: "x", webhookUrl: "not-a-url" }, "webhookUrl"],
    [{ prompt: "x", webhookEvents: [] }, "webhookEvents"],
    [{ prompt: "x", webhookEvents: ["finished"] }, "webhookEvents"],
    [{ prompt: "x", reveParams: { seed: 10n } }, "request"],
    ["a prompt", "request"],
  ];
  for (const [request, field] of cases) {
    test(`${JSON.stringify(request, (_, v) => (typeof v === "bigint" ? `${v}n` : v)).slice(0, 60)} names ${field}`, async () => {
      const e = await failure(() => client().generate(request));
      assert.equal(e.code, "invalid_request");
      assert.equal(e.details.field, field);
      assert.equal(e.retryable, false);
      assert.equal(e.status, undefined);
      assert.ok(e.message.includes(field), e.message);
    });
  }

  test("a bad aspect ratio lists the seven allowed ones", async () => {
    const e = await failure(() => client().generate({ prompt: "x", reveParams: { aspect_ratio: "5:4" } }));
    assert.deepEqual(e.details.allowed, ["16:9", "9:16", "3:2", "2:3", "4:3", "3:4", "1:1"]);
  });

  test("nothing reached the service", async () => {
    await failure(() => client().generate({ prompt: "" }));
    await failure(() => client().run({ prompt: "x", reveParams: { aspect_ratio: "1:2" } }));
    await failure(() => client().getJob("not-a-job-id"));
    await failure(() => client().listJobs({ limit: 500 }));
    await failure(() => client().listJobs({ status: "DONE" }));
    await failure(() => client().generate({ prompt: "x" }, { idempotencyKey: "k".repeat(256) }));
    const { stats } = await emu.stats();
    assert.equal(stats.generateRequests + stats.jobRequests + stats.listRequests, 0);
  });

  test("names the schema does not declare are refused before sending, with the likely intended one", async () => {
    const e = await failure(() => client().generate({ prompt: "x", reveParams: { aspectRatio: "16:9" } }));
    assert.equal(e.code, "invalid_request");
    assert.equal(e.details.field, "reveParams.aspectRatio");
    assert.match(e.message, /did you mean "aspect_ratio"/);
    assert.deepEqual(e.details.allowed, ["aspect_ratio", "seed", "version"]);
    const top = await failure(() => client().run({ prompt: "x", negativePrompt: "blur" }));
    assert.equal(top.details.field, "negativePrompt");
    assert.ok(top.details.allowed.includes("webhook_url"), "the product page's spelling stays accepted");
    assert.equal((await emu.stats()).stats.generateRequests, 0);
  });

  test("the service's 400 comes back typed with its details", async () => {
    // A fetch that adds a field behind the client's back: the service refuses it.
    const sneaky = (url, init) => fetch(url, { ...init, body: init.body && init.body.replace("{", '{"negativePrompt":"blur",') });
    const e = await failure(() => client({ fetch: sneaky }).generate({ prompt: "x" }));
    assert.equal(e.code, "invalid_request");
    assert.equal(e.status, 400);
    assert.ok(e.details.negativePrompt, JSON.stringify(e.details));
    assert.match(e.requestId, /^req_/);
  });

  test("numbers in messages are the numbers given", async () => {
    const e = await failure(() => client().listJobs({ limit: 1e20 }));
    assert.equal(e.details.field, "limit");
    assert.match(e.message, /got 100000000000000000000$/);
    const t = await failure(() => client().waitForJob("1edc7774-0b17-4480-adb7-6ce0e8889738", { timeoutMs: -5 }));
    assert.match(t.message, /got -5$/);
  });
});
