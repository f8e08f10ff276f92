// A browser app as a user writes it, built by each bundler with its defaults: it runs one job
// against the emulator (its URL in ?api=) and reports on the page what happened.
import { ApiframeError, ReveClient, imageUrls } from "apiframe-reve";

const out = {};
try {
  new ReveClient({});
} catch (e) {
  out.typed = e instanceof ApiframeError && e.code === "invalid_request";
}
try {
  const baseUrl = new URLSearchParams(location.search).get("api") ?? location.origin;
  const reve = new ReveClient({ baseUrl, apiKey: "afk_local_dev", dangerouslyAllowBrowser: true, expectedDurationMs: 300 });
  const job = await reve.run({ prompt: "a bundled page", reveParams: { aspect_ratio: "1:1", seed: 1 } });
  out.status = job.status;
  out.images = imageUrls(job).length;
} catch (e) {
  out.error = String(e?.stack ?? e);
}
document.body.dataset.result = JSON.stringify(out);
