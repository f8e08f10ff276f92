// The demo: one client from the apiframe-reve package, no key of yours. Against the local
// emulator it uses the emulator's public test key; through a proxy it sends none.
import { ApiframeError, ReveClient, imageUrls } from "apiframe-reve";

/** The example prompts of the provider's Reve page. */
const PRESETS = [
  ["Movie poster", "A movie poster reading 'NIGHTFALL' with the title, a release date, and small credits, each placed and readable.", "2:3"],
  ["Tea box", "Product packaging for a tea box labeled 'JASMINE GOLD' with ingredients and net weight in the right spots.", "1:1"],
  ["Four-panel comic", "A four-panel comic page with ordered panels, gutters, and readable speech balloons.", "3:4"],
  ["Event flyer", "An event flyer with a headline, schedule, venue, and ticket price, clean hierarchy at 4K.", "9:16"],
  ["One character, three scenes", "Carry this character across three scenes, a cafe, a park, and a train, consistent face and outfit.", "16:9"],
  ["Living room", "An interior comp of a modern living room with accurate proportion and perspective for a design brief.", "3:2"],
];
const RATIOS = ["16:9", "9:16", "3:2", "2:3", "4:3", "3:4", "1:1"];
const PROMPT_MAX = 2000;
/** The local emulator's built-in key: public, and useless against the real service. */
const EMULATOR_KEY = "afk_local_dev";
const GALLERY_KEY = "apiframe-reve-demo:jobs";
const SETTINGS_KEY = "apiframe-reve-demo:connection";

const $ = (id) => document.getElementById(id);
const state = { ratio: "16:9", lastSeed: null, controller: null, expectedMs: 15000, clients: new Map(), timer: 0 };

// ---- connection -------------------------------------------------------------------------

function connection() {
  const mode = document.querySelector("input[name=mode]:checked").value;
  return { mode, proxyUrl: $("proxy-url").value.trim() };
}

function client() {
  const { mode, proxyUrl } = connection();
  const id = mode === "proxy" ? `proxy:${proxyUrl}` : "emulator";
  if (!state.clients.has(id)) {
    const options = mode === "proxy"
      ? { baseUrl: proxyUrl }
      : { baseUrl: location.origin, apiKey: EMULATOR_KEY, dangerouslyAllowBrowser: true };
    state.clients.set(id, new ReveClient({ ...options, expectedDurationMs: state.expectedMs }));
  }
  return state.clients.get(id);
}

function saveConnection() {
  const { mode, proxyUrl } = connection();
  localStorage.setItem(SETTINGS_KEY, JSON.stringify({ mode, proxyUrl }));
  $("connection-label").textContent = mode === "proxy" ? `proxy ${proxyUrl || "(set its URL)"}` : "local emulator";
}

function loadConnection() {
  try {
    const saved = JSON.parse(localStorage.getItem(SETTINGS_KEY) ?? "null");
    if (saved?.mode === "proxy") document.querySelector("input[name=mode][value=proxy]").checked = true;
    if (saved?.proxyUrl) $("proxy-url").value = saved.proxyUrl;
  } catch { /* a bad saved value means defaults */ }
  // `npm start` runs the example proxy on the port after the page's.
  if (!$("proxy-url").value && location.port) {
    $("proxy-url").value = `${location.protocol}//${location.hostname}:${Number(location.port) + 1}/api/reve`;
  }
  const fromQuery = new URLSearchParams(location.search).get("proxy");
  if (fromQuery) {
    document.querySelector("input[name=mode][value=proxy]").checked = true;
    $("proxy-url").value = fromQuery;
  }
  saveConnection();
}

/** The emulator tells how long its jobs take; the page shows it as the average. */
async function learnAverage() {
  if (connection().mode !== "emulator") return;
  try {
    const stats = await (await fetch("/__emulator/stats")).json();
    if (stats.jobMs > 0) state.expectedMs = stats.jobMs;
  } catch { /* not the emulator: keep Reve's 15 s */ }
  $("avg").textContent = (state.expectedMs / 1000).toFixed(state.expectedMs < 10000 ? 1 : 0);
}

// ---- form -----------------------------------------------------------------------------

function renderPresets() {
  for (const [label, prompt, ratio] of PRESETS) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "chip";
    b.textContent = label;
    b.title = prompt;
    b.addEventListener("click", () => {
      $("prompt").value = prompt;
      selectRatio(ratio);
      updateCount();
      $("prompt").focus();
    });
    $("presets").append(b);
  }
}

function renderRatios() {
  for (const r of RATIOS) {
    const [w, h] = r.split(":").map(Number);
    const label = document.createElement("label");
    label.className = "ratio";
    label.innerHTML = `<input type="radio" name="ratio" value="${r}"><span class="shape" style="aspect-ratio:${w}/${h}"></span><span class="name">${r}</span>`;
    label.querySelector("input").addEventListener("change", () => { state.ratio = r; });
    $("ratios").append(label);
  }
  selectRatio(state.ratio);
}

function selectRatio(r) {
  state.ratio = r;
  const input = document.querySelector(`input[name=ratio][value="${r}"]`);
  if (input) input.checked = true;
}

function updateCount() {
  const n = $("prompt").value.length; // UTF-16 units, as the limit counts
  $("prompt-count").textContent = `${n} / ${PROMPT_MAX}`;
  $("prompt-count").classList.toggle("over", n > PROMPT_MAX);
}

function buildRequest() {
  const seedText = $("seed").value.trim();
  const seed = seedText === "" ? Math.floor(Math.random() * 2 ** 31) : /^-?\d+$/.test(seedText) ? Number(seedText) : seedText;
  const reveParams = { aspect_ratio: state.ratio, seed };
  if ($("version").value.trim()) reveParams.version = $("version").value.trim();
  const request = { prompt: $("prompt").value, reveParams };
  const webhook = $("webhook").value.trim();
  if (webhook) {
    request.webhookUrl = webhook;
    request.webhookEvents = [...document.querySelectorAll("input[name=events]:checked")].map((i) => i.value);
  }
  return request;
}

// ---- errors -----------------------------------------------------------------------------

const FIELD_ERRORS = {
  prompt: "prompt-error",
  "reveParams.aspect_ratio": "ratio-error",
  "reveParams.seed": "seed-error",
  "reveParams.version": "seed-error",
  webhookUrl: "webhook-error",
  webhookEvents: "webhook-error",
  baseUrl: "proxy-error",
};

function clearErrors() {
  for (const el of document.querySelectorAll(".error")) el.textContent = "";
  for (const el of document.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
}

function explain(e) {
  if (!(e instanceof ApiframeError)) return { text: `Something unexpected went wrong: ${e?.message ?? e}` };
  const proxy = connection().mode === "proxy";
  const seconds = (ms) => Math.max(1, Math.ceil(ms / 1000));
  switch (e.code) {
    case "invalid_request": {
      const field = e.details?.field ?? Object.keys(e.details ?? {}).find((k) => FIELD_ERRORS[k.replace(/\.\d+$/, "")]);
      return { field: field?.replace(/\.\d+$/, ""), text: e.status ? `The service refused the request: ${e.message}` : e.message };
    }
    case "authentication":
      return { text: proxy ? "The proxy refused this page (401). Its authorize settings decide who may generate." : "The API key was refused (401)." };
    case "permission":
      return { text: "This key is inactive or may not do this (403)." };
    case "insufficient_credits":
      return { text: `Not enough credits: this image needs ${e.details?.creditsRequired ?? "more"}, the account has ${e.details?.creditsAvailable ?? "fewer"}.` };
    case "rate_limited":
      return { text: `Too many requests right now. Wait ${seconds(e.retryAfterMs ?? 1000)} s and try again.` };
    case "server":
      return { text: `The service is having trouble${e.status ? ` (HTTP ${e.status})` : ""}. Try again in a moment.` };
    case "network":
      return { text: proxy ? "Could not reach the proxy. Check its URL and that it allows this page's origin." : "Could not reach the service. Is `npm start` still running?" };
    case "timeout":
      return { text: "That took too long. The job may still finish: it is listed below." };
    case "aborted":
      return { text: `Cancelled. Job ${e.jobId ?? ""} goes on at the service, which bills only successful images.` };
    case "job_failed":
      return { text: `The job failed: ${e.job?.error ?? e.message}. Failed jobs are not billed.` };
    case "job_cancelled":
      return { text: "The job was cancelled at the service. It is not billed." };
    case "not_found":
      return { text: "That job or its images are gone (outputs expire after 24 hours)." };
    default:
      return { text: e.message };
  }
}

function showError(e) {
  const { field, text } = explain(e);
  const where = FIELD_ERRORS[field] ?? "form-error";
  const withId = e?.requestId && !field ? `${text} (request ${e.requestId})` : text;
  $(where).textContent = withId;
  const input = { "prompt-error": "prompt", "seed-error": "seed", "webhook-error": "webhook", "proxy-error": "proxy-url" }[where];
  if (input) {
    $(input).setAttribute("aria-invalid", "true");
    if (where === "webhook-error" || where === "proxy-error") $(input).closest("details").open = true;
    $(input).focus();
  }
}

// ---- a job -------------------------------------------------------------------------------

function setStatus(job, startedAt) {
  $("job-status").textContent = job.status;
  $("job-status").dataset.status = job.status;
  if (typeof job.progress === "number") state.reported = job.progress;
  state.startedAt = startedAt;
}

function tick() {
  const elapsed = performance.now() - state.startedAt;
  // Between looks at the job the bar eases on with time; it never passes 99 before the end.
  const estimate = Math.min(99, (elapsed / state.expectedMs) * 100);
  const shown = state.done ? 100 : state.stopped ? state.reported ?? 0 : Math.max(state.reported ?? 0, Math.min(estimate, (state.reported ?? 0) + 25));
  $("progress").value = shown;
  $("progress-text").textContent = `${Math.floor(shown)} %`;
  $("elapsed").textContent = `${(elapsed / 1000).toFixed(1)} s elapsed · about ${(state.expectedMs / 1000).toFixed(state.expectedMs < 10000 ? 1 : 0)} s on average`;
}

async function generate(event) {
  event?.preventDefault();
  clearErrors();
  const request = buildRequest();
  let c;
  try {
    c = client();
  } catch (e) {
    return showError(e);
  }
  state.controller = new AbortController();
  state.reported = 0;
  state.done = false;
  state.stopped = false;
  $("result").hidden = true;
  const startedAt = performance.now();
  $("generate").disabled = true;
  $("cancel").hidden = false;
  $("status-panel").hidden = false;
  $("job-id").textContent = "submitting…";
  $("job-note").textContent = "";
  setStatus({ status: "SUBMITTING" }, startedAt);
  tick();
  state.timer = setInterval(tick, 100);
  let jobId;
  try {
    const accepted = await c.generate(request, { signal: state.controller.signal });
    jobId = accepted.jobId;
    $("job-id").textContent = jobId;
    setStatus(accepted, startedAt);
    const job = await c.waitForJob(jobId, {
      signal: state.controller.signal,
      onProgress: (j) => setStatus(j, startedAt),
    });
    state.done = true;
    const entry = {
      jobId, prompt: request.prompt, ratio: request.reveParams.aspect_ratio, seed: request.reveParams.seed,
      ms: Math.round(performance.now() - startedAt), url: imageUrls(job)[0], at: new Date().toISOString(),
    };
    state.lastSeed = entry.seed;
    $("seed-reuse").disabled = false;
    remember(entry);
    showResult(entry);
  } catch (e) {
    state.stopped = true;
    showError(e);
    if (e?.code === "aborted" || e?.code === "timeout") {
      $("job-note").textContent = jobId ? `Job ${jobId} keeps running at the service.` : "";
    }
    setStatus({ status: e?.job?.status ?? (e?.code === "aborted" ? "CANCELLED BY YOU" : "ERROR") }, startedAt);
  } finally {
    clearInterval(state.timer);
    tick();
    $("generate").disabled = false;
    $("cancel").hidden = true;
    state.controller = null;
  }
}

function showResult(entry) {
  const [w, h] = entry.ratio.split(":").map(Number);
  $("result").hidden = false;
  $("frame").style.aspectRatio = `${w} / ${h}`;
  $("frame").style.maxWidth = `min(100%, calc(70vh * ${w} / ${h}))`;
  $("image").src = entry.url;
  $("image").alt = entry.prompt;
  $("caption").textContent = `${entry.prompt} · ${entry.ratio} · seed ${entry.seed} · ${(entry.ms / 1000).toFixed(1)} s`;
  $("download").href = entry.url;
  $("download").setAttribute("download", `reve-${entry.seed}-${entry.ratio.replace(":", "x")}.png`);
  $("image-url").href = entry.url;
  $("image-url").textContent = entry.url;
  $("again").onclick = () => {
    $("prompt").value = entry.prompt;
    selectRatio(entry.ratio);
    $("seed").value = String(entry.seed);
    updateCount();
    generate();
  };
}

// ---- gallery ------------------------------------------------------------------------------

function gallery() {
  try {
    return JSON.parse(sessionStorage.getItem(GALLERY_KEY) ?? "[]");
  } catch {
    return [];
  }
}

function remember(entry) {
  const list = [entry, ...gallery()].slice(0, 50);
  sessionStorage.setItem(GALLERY_KEY, JSON.stringify(list));
  renderGallery();
}

function renderGallery() {
  const list = gallery();
  $("gallery-empty").hidden = list.length > 0;
  $("gallery").replaceChildren(...list.map((entry) => {
    const li = document.createElement("li");
    const b = document.createElement("button");
    b.type = "button";
    const [w, h] = entry.ratio.split(":").map(Number);
    b.innerHTML = `<img alt="" loading="lazy" style="aspect-ratio:${w}/${h}"><span class="p"></span><span class="meta"></span>`;
    b.querySelector("img").src = entry.url;
    b.querySelector(".p").textContent = entry.prompt;
    b.querySelector(".meta").textContent = `${entry.ratio} · seed ${entry.seed} · ${(entry.ms / 1000).toFixed(1)} s`;
    b.setAttribute("aria-label", `Open: ${entry.prompt}, ${entry.ratio}, seed ${entry.seed}`);
    b.addEventListener("click", () => { showResult(entry); $("result").scrollIntoView({ block: "nearest" }); });
    li.append(b);
    return li;
  }));
}

// ---- start ----------------------------------------------------------------------------------

renderPresets();
renderRatios();
loadConnection();
renderGallery();
updateCount();
learnAverage();

$("prompt").addEventListener("input", () => { updateCount(); $("prompt-error").textContent = ""; });
$("prompt").addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) generate(e); });
$("form").addEventListener("submit", generate);
$("cancel").addEventListener("click", () => state.controller?.abort(new DOMException("Cancelled by you", "AbortError")));
$("seed-random").addEventListener("click", () => { $("seed").value = String(Math.floor(Math.random() * 2 ** 31)); });
$("seed-reuse").addEventListener("click", () => { if (state.lastSeed !== null) $("seed").value = String(state.lastSeed); });
for (const input of document.querySelectorAll("input[name=mode]")) input.addEventListener("change", () => { saveConnection(); learnAverage(); });
$("proxy-url").addEventListener("change", saveConnection);
document.body.dataset.ready = "true";
