// The demo: one client from the apiframe-reve package, no key of yours. Against the local
// emulator it uses the emulator's public test key; through a proxy it sends none.
import { ApiframeError, ReveClient, imageUrls, reveCapabilities } from "apiframe-reve";
import { createGallery } from "./gallery.js";
import { showResultImage } from "./result-image.js";

/** The example prompts of the provider's Reve page. */
const PRESETS = [
  ["Movie poster", "A movie poster reading 'NIGHTFALL' with the title, a release date, and small credits, each placed and readable.", "2:3"],
  ["Tea box", "Product packaging for a tea box labeled 'JASMINE GOLD' with ingredients and net weight in the right spots.", "1:1"],
  ["Four-panel comic", "A four-panel comic page with ordered panels, gutters, and readable speech balloons.", "3:4"],
  ["Event flyer", "An event flyer with a headline, schedule, venue, and ticket price, clean hierarchy at 4K.", "9:16"],
  ["One character, three scenes", "Carry this character across three scenes, a cafe, a park, and a train, consistent face and outfit.", "16:9"],
  ["Living room", "An interior comp of a modern living room with accurate proportion and perspective for a design brief.", "3:2"],
];
/** What Reve takes, from the library's own request types. */
const { aspectRatios: RATIOS, promptMaxLength: PROMPT_MAX } = reveCapabilities();
/** The local emulator's built-in key: public, and useless against the real service. */
const EMULATOR_KEY = "afk_local_dev";
const SETTINGS_KEY = "apiframe-reve-demo:connection";

const $ = (id) => document.getElementById(id);
const state = {
  ratio: "16:9", lastSeed: null, controller: null, expectedMs: 15000, clients: new Map(), timer: 0,
  /** Every request this page's client made, for "What the library did". */
  requests: [],
  /** The fault queued from "Try a failure", reported after the next job. */
  fault: null,
};

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
    // The page's own fetch, counting what the library sends (shown after a tried failure).
    const counting = (url, init) => {
      state.requests.push({ method: init?.method ?? "GET", url: String(url) });
      return fetch(url, init);
    };
    state.clients.set(id, new ReveClient({ ...options, expectedDurationMs: state.expectedMs, fetch: counting }));
  }
  return state.clients.get(id);
}

function saveConnection() {
  const { mode, proxyUrl } = connection();
  localStorage.setItem(SETTINGS_KEY, JSON.stringify({ mode, proxyUrl }));
  $("connection-label").textContent = mode === "proxy" ? `proxy ${proxyUrl || "(set its URL)"}` : "local emulator";
  $("failures").hidden = mode !== "emulator";
  // The emulator's own receiver accepts every delivery: a webhook URL to try without a server.
  $("webhook").placeholder = mode === "emulator" ? `${location.origin}/__emulator/sink` : "https://example.com/hooks/reve";
}

function loadConnection() {
  try {
    const saved = JSON.parse(localStorage.getItem(SETTINGS_KEY) ?? "null");
    if (saved?.mode === "proxy") document.querySelector("input[name=mode][value=proxy]").checked = true;
    if (saved?.proxyUrl) $("proxy-url").value = saved.proxyUrl;
  } catch { /* a bad saved value means defaults */ }
  // `npm start` runs the example proxy on the port after the page's. The proxy is chosen
  // here, in the page's settings, never from the address bar: a link must not be able to
  // send your prompts to a proxy of its choosing.
  if (!$("proxy-url").value && location.port) {
    $("proxy-url").value = `${location.protocol}//${location.hostname}:${Number(location.port) + 1}/api/reve`;
  }
  saveConnection();
}

/** The emulator tells how long its jobs take; the page shows it as the average. */
async function learnAverage() {
  const stats = await emulatorStats();
  if (stats?.jobMs > 0) state.expectedMs = stats.jobMs;
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
      return { text: "That took too long. The job may still finish: it is in Recent jobs, where you can resume it." };
    case "aborted":
      return {
        text: e.jobId
          ? `Cancelled. Job ${e.jobId} goes on at the service, which bills only successful images; it is in Recent jobs.`
          : "Cancelled while submitting. If the service had already accepted the job, it is in Recent jobs.",
      };
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

function setStatus(job) {
  $("job-status").textContent = job.status;
  $("job-status").dataset.status = job.status;
  if (typeof job.progress === "number") state.reported = Math.max(state.reported ?? 0, job.progress);
}

/** The bar is what the service reported, nothing more; the time left is labelled an estimate. */
function tick() {
  const elapsed = performance.now() - state.startedAt;
  const shown = state.done ? 100 : state.reported ?? 0;
  $("progress").value = shown;
  $("progress-text").textContent = `${Math.floor(shown)} %`;
  const left = (state.expectedMs - elapsed) / 1000;
  $("estimate").textContent = state.done || state.stopped
    ? ""
    : left > 0.5 ? `Estimate: about ${left.toFixed(left < 10 ? 1 : 0)} s left, from the average job.` : "Estimate: any moment now.";
  $("elapsed").textContent = `${(elapsed / 1000).toFixed(1)} s elapsed · about ${(state.expectedMs / 1000).toFixed(state.expectedMs < 10000 ? 1 : 0)} s on average`;
}

function startWatching(label) {
  state.controller = new AbortController();
  state.reported = 0;
  state.done = false;
  state.stopped = false;
  state.startedAt = performance.now();
  $("result").hidden = true;
  $("generate").disabled = true;
  $("cancel").hidden = false;
  $("status-panel").hidden = false;
  $("job-id").textContent = label;
  $("job-note").textContent = "";
  tick();
  state.timer = setInterval(tick, 100);
}

function stopWatching() {
  clearInterval(state.timer);
  tick();
  $("generate").disabled = false;
  $("cancel").hidden = true;
  state.controller = null;
}

async function emulatorStats() {
  if (connection().mode !== "emulator") return null;
  try {
    return await (await fetch("/__emulator/stats")).json();
  } catch {
    return null;
  }
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
  // Before anything is awaited: a second click must not start a second job, and the last
  // report must not stand for this one.
  $("generate").disabled = true;
  $("report").hidden = true;
  const fault = state.fault;
  state.fault = null;
  $("fault-queued").textContent = "";
  const before = fault ? await emulatorStats() : null;
  state.requests = [];
  startWatching("submitting…");
  setStatus({ status: "SUBMITTING" });
  let jobId;
  let outcome;
  try {
    const accepted = await c.generate(request, { signal: state.controller.signal });
    jobId = accepted.jobId;
    $("job-id").textContent = jobId;
    setStatus(accepted);
    const job = await c.waitForJob(jobId, { signal: state.controller.signal, onProgress: setStatus });
    state.done = true;
    state.lastSeed = request.reveParams.seed;
    $("seed-reuse").disabled = false;
    outcome = { job };
    showResult(entryOf(job, request), request, c);
  } catch (e) {
    outcome = { error: e };
    failed(e, jobId);
  } finally {
    stopWatching();
  }
  if (fault) await report(fault, outcome, before);
  loadRecent(true);
}

/** Waits again for a job that was still running (after a reload, a cancel or a timeout). */
async function resume(jobId) {
  clearErrors();
  let c;
  try {
    c = client();
  } catch (e) {
    return showError(e);
  }
  startWatching(jobId);
  try {
    const job = await c.waitForJob(jobId, { signal: state.controller.signal, onProgress: setStatus });
    state.done = true;
    showResult(entryOf(job), undefined, c);
  } catch (e) {
    failed(e, jobId);
  } finally {
    stopWatching();
  }
  loadRecent(true);
}

function failed(e, jobId) {
  state.stopped = true;
  showError(e);
  if ((e?.code === "aborted" || e?.code === "timeout") && jobId) {
    $("job-note").textContent = `Job ${jobId} keeps running at the service: resume it from Recent jobs.`;
  }
  setStatus({ status: e?.job?.status ?? (e?.code === "aborted" ? "CANCELLED BY YOU" : "ERROR") });
}

/** What the library did about a fault queued from "Try a failure": the page's own count of
 * what the library sent, and the emulator's count of what arrived. */
async function report(fault, { error }, before) {
  const after = await emulatorStats();
  const sent = state.requests.filter((r) => r.method === "POST").length;
  // Polls only: the page's downloads of images and its listings are GETs too.
  const looks = state.requests.filter((r) => r.method === "GET" && /\/v2\/jobs\/[^/?]+$/.test(new URL(r.url, location.href).pathname)).length;
  const delta = (k) => (before && after ? after.stats[k] - before.stats[k] : null);
  const received = delta("generateRequests");
  const created = delta("jobsCreated");
  const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;
  const items = [
    `Fault queued: ${fault.label} (${fault.count}×).`,
    `The library sent the submission ${plural(sent, "time", "times")} (${plural(Math.max(0, sent - 1), "retry", "retries")}, every one with the same Idempotency-Key)` +
      (received !== null ? `; the service received it ${plural(received, "time", "times")}${received > sent ? " (the browser itself resent it once when the connection dropped)" : ""}.` : "."),
    `Looks at the job: ${looks}.`,
  ];
  if (created !== null) {
    items.push(`Jobs created at the service: ${created}${received > 1 && created === 1 ? ": only one, although the submission arrived more than once, so only one is billed" : ""}.`);
  }
  if (error) {
    items.push(`Outcome: rejected with code "${error.code}", retryable: ${error.retryable}${error.status ? `, HTTP ${error.status}` : ""}${error.requestId ? `, requestId ${error.requestId}` : ""}${error.jobId ? `, jobId ${error.jobId}` : ""}.`);
  } else {
    items.push(`Outcome: the job completed${sent > 1 ? "; the retries were invisible to the caller" : ""}.`);
  }
  $("report-list").replaceChildren(...items.map((t) => Object.assign(document.createElement("li"), { textContent: t })));
  $("report").hidden = false;
}

/** What the page shows of a job: from the request it sent, or from the service's record. */
function entryOf(job, request) {
  const input = request ?? job.input ?? {};
  return {
    job,
    jobId: job.id,
    prompt: input.prompt ?? "",
    ratio: input.reveParams?.aspect_ratio ?? "1:1",
    seed: input.reveParams?.seed,
    webhookUrl: input.webhookUrl,
    url: imageUrls(job)[0],
    expired: job.expired === true,
    creditCost: job.creditCost,
    ms: job.completedAt && job.createdAt ? Date.parse(job.completedAt) - Date.parse(job.createdAt) : null,
  };
}

/** Shows a completed job; its image is downloaded with `c`, the client that read the job. */
function showResult(entry, request, c) {
  const [w, h] = entry.ratio.split(":").map(Number);
  $("result").hidden = false;
  $("frame").style.aspectRatio = `${w} / ${h}`;
  $("frame").style.maxWidth = `min(100%, calc(70vh * ${w} / ${h}))`;
  // The picture and the Download link come from the downloaded bytes.
  showResultImage(c, entry, explain);
  $("caption").textContent = `${entry.prompt} · ${entry.ratio} · seed ${entry.seed ?? "?"}${entry.ms ? ` · ${(entry.ms / 1000).toFixed(1)} s` : ""}`;
  // imageUrls only ever returns http(s) and blob URLs: safe in an href.
  $("image-url").href = entry.url ?? "";
  $("image-url").textContent = entry.url ?? "";
  $("again").onclick = () => {
    $("prompt").value = entry.prompt;
    selectRatio(entry.ratio);
    $("seed").value = String(entry.seed ?? "");
    updateCount();
    generate();
  };
  showCosts(entry);
  showDeliveries(entry);
  $("snippet").textContent = snippet(request ?? { prompt: entry.prompt, reveParams: { aspect_ratio: entry.ratio, seed: entry.seed } });
}

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
    let log = [];
    try {
      log = (await (await fetch("/__emulator/webhooks")).json()).deliveries.filter((d) => d.jobId === entry.jobId);
    } catch { /* not the emulator */ }
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

// ---- recent jobs: the service's own list (gallery.js) -------------------------------------

const gallery = createGallery({
  client,
  entryOf,
  open: (entry, c) => showResult(entry, undefined, c),
  resume,
  explain,
});

function loadRecent(reset) {
  return gallery.load(reset);
}

// ---- try a failure ---------------------------------------------------------------------------

/** The route each fault is queued on: the submission, or the job's own outcome. */
const FAULT_ROUTE = { job_failed: undefined, job_cancelled: undefined };

async function queueFault() {
  const kind = $("fault-kind").value;
  const count = Math.min(5, Math.max(1, Number($("fault-count").value) || 1));
  const fault = { kind, count };
  if (!(kind in FAULT_ROUTE)) fault.route = "generate";
  if (kind === "429") fault.retryAfter = 1;
  if (kind === "slow") fault.delayMs = 2000;
  const res = await fetch("/__emulator/faults", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(fault) });
  if (!res.ok) {
    $("fault-queued").textContent = `The emulator refused it (HTTP ${res.status}).`;
    return;
  }
  state.fault = { kind, count, label: $("fault-kind").selectedOptions[0].textContent };
  $("fault-queued").textContent = `Queued: ${state.fault.label}. Now generate.`;
}

// ---- start ----------------------------------------------------------------------------------

renderPresets();
renderRatios();
loadConnection();
updateCount();
learnAverage();
loadRecent(true);

$("prompt").addEventListener("input", () => { updateCount(); $("prompt-error").textContent = ""; });
$("prompt").addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) generate(e); });
$("form").addEventListener("submit", generate);
$("cancel").addEventListener("click", () => state.controller?.abort(new DOMException("Cancelled by you", "AbortError")));
$("seed-random").addEventListener("click", () => { $("seed").value = String(Math.floor(Math.random() * 2 ** 31)); });
$("seed-reuse").addEventListener("click", () => { if (state.lastSeed !== null) $("seed").value = String(state.lastSeed); });
for (const input of document.querySelectorAll("input[name=mode]")) input.addEventListener("change", () => { saveConnection(); learnAverage(); loadRecent(true); });
$("proxy-url").addEventListener("change", () => { saveConnection(); loadRecent(true); });
$("recent-refresh").addEventListener("click", () => loadRecent(true));
$("recent-more").addEventListener("click", () => loadRecent(false));
$("fault-queue").addEventListener("click", queueFault);
$("copy-code").addEventListener("click", async () => {
  try {
    await navigator.clipboard.writeText($("snippet").textContent);
    $("copied").textContent = "Copied.";
  } catch {
    $("copied").textContent = "Select the code and copy it.";
  }
});
document.body.dataset.ready = "true";
