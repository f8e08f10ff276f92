// Jest 30 with its defaults: a CommonJS test that require()s the package.
const { ApiframeError, ReveClient, imageUrls } = require("apiframe-reve");

test("runs a job against the emulator", async () => {
  expect(() => new ReveClient({})).toThrow(ApiframeError);
  const reve = new ReveClient({ apiKey: "afk_local_dev", baseUrl: process.env.API, expectedDurationMs: 300 });
  const job = await reve.run({ prompt: "from jest" });
  expect(job.status).toBe("COMPLETED");
  expect(imageUrls(job)).toHaveLength(1);
});
