// Run by tests/deno.test.mjs under Deno, with read access to this project only and network
// access to the emulator only. Prints one JSON line.
import { ApiframeError, ReveClient, imageUrls, verifyWebhook } from "apiframe-reve";

const [baseUrl, apiKey] = Deno.args;
const out = { entry: import.meta.resolve("apiframe-reve") };
const client = new ReveClient({ apiKey, baseUrl, expectedDurationMs: 300 });
const job = await client.run({ prompt: "in Deno", reveParams: { aspect_ratio: "4:3", seed: 2 } });
out.status = job.status;
out.urls = imageUrls(job).length;
try {
  await client.generate({ prompt: "x", reveParams: { aspect_ratio: "7:5" } });
} catch (e) {
  out.invalid = { isApiframeError: e instanceof ApiframeError, code: e.code, field: e.details.field };
}
out.verified = await verifyWebhook({ apiKey: "afk_local_dev", body: "{}", signature: "sha256=7945c58a3185015aece7682cf1cf8b397c92e24d48f736a1720e9ee7f7bd7983" });
console.log(JSON.stringify(out));
