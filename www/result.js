// A completed job: its image and Download (result-image.js), the caption, what it cost, the
// webhook deliveries when webhooks were asked for, and the code of the request, to copy.
import { deliveries, emulatorStats } from "./emulator.js";
import { explain } from "./errors.js";
import { EMULATOR_KEY } from "./library.js";
import { showResultImage } from "./result-image.js";
import { connection } from "./settings.js";

const $ = (id) => document.getElementById(id);

/** Shows a completed job (`entry`, from entryOf); its image is downloaded with `client`, the
 * client that read the job. `request` is what the page sent, when it did; `again(entry)` runs
 * on "Same seed again". */
export function showResult(entry, { request, client, again }) {
  const [w, h] = entry.ratio.split(":").map(Number);
  $("result").hidden = false;
  $("frame").style.aspectRatio = `${w} / ${h}`;
  $("frame").style.maxWidth = `min(100%, calc(70vh * ${w} / ${h}))`;
  // The picture and the Download link come from the downloaded bytes.
  showResultImage(client, entry, explain);
  $("caption").textContent = `${entry.prompt} · ${entry.ratio} · seed ${entry.seed ?? "?"}${entry.ms ? ` · ${(entry.ms / 1000).toFixed(1)} s` : ""}`;
  // imageUrls only ever returns http(s) and blob URLs: safe in an href.
  $("image-url").href = entry.url ?? "";
  $("image-url").textContent = entry.url ?? "";
  $("again").onclick = () => again(entry);
  showCosts(entry);
  showDeliveries(entry);
  $("snippet").textContent = snippet(request ?? { prompt: entry.prompt, reveParams: { aspect_ratio: entry.ratio, seed: entry.seed } });
}

/** What the image cost and the key's balance (the emulator's accounts). */
async function showCosts(entry) {
  const stats = await emulatorStats();
  const balance = stats?.accounts?.[EMULATOR_KEY]?.credits;
  const cost = typeof entry.creditCost === "number" ? `This image cost ${entry.creditCost} credits` : "";
  $("costs").textContent = [cost, balance !== undefined ? `the key's balance is ${balance} credits` : ""].filter(Boolean).join("; ") + (cost || balance !== undefined ? "." : "");
}

/** The service's webhook deliveries for this job (the emulator's log), when webhooks were asked for. */
async function showDeliveries(entry) {
  $("deliveries-panel").hidden = true;
  if (!entry.webhookUrl || connection().mode !== "emulator") return;
  for (let i = 0; i < 20; i++) {
    const log = await deliveries(entry.jobId);
    if (log.length) {
      $("deliveries").replaceChildren(...log.map((d) => Object.assign(document.createElement("li"), {
        textContent: `${d.event} → ${d.url}: ${d.status ? `HTTP ${d.status}` : d.error ?? "no answer"} (attempt ${d.attempt})`,
      })));
      $("deliveries-panel").hidden = false;
      if (log.some((d) => d.event === "completed" || d.event === "failed")) return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The JavaScript this request amounts to, ready to copy. */
function snippet(request) {
  const { mode, proxyUrl } = connection();
  const options = mode === "proxy"
    ? `{ baseUrl: ${JSON.stringify(proxyUrl)} }`
    : "{ apiKey: process.env.APIFRAME_API_KEY }";
  return [
    'import { ReveClient, imageUrls } from "apiframe-reve";',
    "",
    `const reve = new ReveClient(${options});`,
    `const job = await reve.run(${JSON.stringify(request, null, 2)});`,
    "console.log(imageUrls(job));",
  ].join("\n");
}
