// The demo: one client from the apiframe-reve package, no key of yours. Against the local
// emulator it uses the emulator's public test key; through a proxy it sends none. This module
// starts the page and wires its controls; the state is state.js's.
import { emulatorStats } from "./emulator.js";
import { explain } from "./errors.js";
import { queueChosenFault } from "./failures.js";
import { renderForm, updateCount } from "./form.js";
import { createGallery } from "./gallery.js";
import { createJobs } from "./job.js";
import { client, entryOf } from "./library.js";
import { loadConnection, saveConnection } from "./settings.js";
import { state } from "./state.js";

const $ = (id) => document.getElementById(id);

const jobs = createJobs({ settled: () => gallery.load(true) });
const gallery = createGallery({ client, entryOf, open: jobs.open, resume: jobs.resume, explain });

/** The emulator tells how long its jobs take; the page shows it as the average. */
async function learnAverage() {
  const stats = await emulatorStats();
  if (stats?.jobMs > 0) state.expectedMs = stats.jobMs;
  $("avg").textContent = (state.expectedMs / 1000).toFixed(state.expectedMs < 10000 ? 1 : 0);
}

renderForm();
loadConnection();
learnAverage();
gallery.load(true);

$("prompt").addEventListener("input", () => { updateCount(); $("prompt-error").textContent = ""; });
$("prompt").addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) jobs.generate(e); });
$("form").addEventListener("submit", jobs.generate);
$("cancel").addEventListener("click", () => state.watch.controller?.abort(new DOMException("Cancelled by you", "AbortError")));
$("seed-random").addEventListener("click", () => { $("seed").value = String(Math.floor(Math.random() * 2 ** 31)); });
$("seed-reuse").addEventListener("click", () => { if (state.lastSeed !== null) $("seed").value = String(state.lastSeed); });
for (const input of document.querySelectorAll("input[name=mode]")) input.addEventListener("change", () => { saveConnection(); learnAverage(); gallery.load(true); });
$("proxy-url").addEventListener("change", () => { saveConnection(); gallery.load(true); });
$("recent-refresh").addEventListener("click", () => gallery.load(true));
$("recent-more").addEventListener("click", () => gallery.load(false));
$("fault-queue").addEventListener("click", queueChosenFault);
$("copy-code").addEventListener("click", async () => {
  try {
    await navigator.clipboard.writeText($("snippet").textContent);
    $("copied").textContent = "Copied.";
  } catch {
    $("copied").textContent = "Select the code and copy it.";
  }
});
document.body.dataset.ready = "true";
