// Vitest with its defaults: an ES module test that imports the package.
import { expect, test } from "vitest";
import { ApiframeError, ReveClient, imageUrls } from "apiframe-reve";

test("runs a job against the emulator", async () => {
  expect(() => new ReveClient({})).toThrow(ApiframeError);
  const reve = new ReveClient({ apiKey: "afk_local_dev", baseUrl: process.env.API, expectedDurationMs: 300 });
  const job = await reve.run({ prompt: "from vitest" });
  expect(job.status).toBe("COMPLETED");
  expect(imageUrls(job)).toHaveLength(1);
});
