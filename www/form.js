// The form: presets, the ratios, the prompt's count and the webhook events, all that Reve
// accepts coming from the library's reveCapabilities(); and the request the form amounts to.
import { capabilities } from "./library.js";
import { state } from "./state.js";

const $ = (id) => document.getElementById(id);
const { aspectRatios, promptMaxLength, webhookEvents } = capabilities;

/** The example prompts of the provider's Reve page. */
const PRESETS = [
  ["Movie poster", "A movie poster reading 'NIGHTFALL' with the title, a release date, and small credits, each placed and readable.", "2:3"],
  ["Tea box", "Product packaging for a tea box labeled 'JASMINE GOLD' with ingredients and net weight in the right spots.", "1:1"],
  ["Four-panel comic", "A four-panel comic page with ordered panels, gutters, and readable speech balloons.", "3:4"],
  ["Event flyer", "An event flyer with a headline, schedule, venue, and ticket price, clean hierarchy at 4K.", "9:16"],
  ["One character, three scenes", "Carry this character across three scenes, a cafe, a park, and a train, consistent face and outfit.", "16:9"],
  ["Living room", "An interior comp of a modern living room with accurate proportion and perspective for a design brief.", "3:2"],
];
/** Webhook events not asked for unless ticked: progress comes many times a job. */
const UNTICKED_EVENTS = new Set(["progress"]);

/** Draws what the form offers: the presets, the ratios, the webhook events, the prompt's limit. */
export function renderForm() {
  for (const [label, prompt, ratio] of PRESETS) {
    const b = Object.assign(document.createElement("button"), { type: "button", className: "chip", textContent: label, title: prompt });
    b.addEventListener("click", () => {
      $("prompt").value = prompt;
      selectRatio(ratio);
      updateCount();
      $("prompt").focus();
    });
    $("presets").append(b);
  }
  for (const r of aspectRatios) {
    const [w, h] = r.split(":").map(Number);
    const label = Object.assign(document.createElement("label"), { className: "ratio" });
    label.innerHTML = `<input type="radio" name="ratio" value="${r}"><span class="shape" style="aspect-ratio:${w}/${h}"></span><span class="name">${r}</span>`;
    label.querySelector("input").addEventListener("change", () => { state.ratio = r; });
    $("ratios").append(label);
  }
  $("ratios").style.setProperty("--ratios", aspectRatios.length);
  selectRatio(state.ratio);
  for (const event of webhookEvents) {
    const label = document.createElement("label");
    const box = Object.assign(document.createElement("input"), { type: "checkbox", name: "events", value: event, checked: !UNTICKED_EVENTS.has(event) });
    label.append(box, ` ${event}`);
    $("events").append(label);
  }
  // Typing past the limit is allowed, so that the library's refusal can be seen.
  $("prompt").maxLength = 2 * promptMaxLength;
  $("ratio-count").textContent = String(aspectRatios.length);
  updateCount();
}

/** Checks ratio `r`. */
export function selectRatio(r) {
  state.ratio = r;
  const input = document.querySelector(`input[name=ratio][value="${r}"]`);
  if (input) input.checked = true;
}

/** The prompt's length against the limit. */
export function updateCount() {
  const n = $("prompt").value.length; // UTF-16 units, as the limit counts
  $("prompt-count").textContent = `${n} / ${promptMaxLength}`;
  $("prompt-count").classList.toggle("over", n > promptMaxLength);
}

/** The request the form amounts to, as typed: the library checks it. */
export function buildRequest() {
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

/** Fills the form with a shown job's prompt, ratio and seed ("Same seed again"). */
export function fillFrom(entry) {
  $("prompt").value = entry.prompt;
  selectRatio(entry.ratio);
  $("seed").value = String(entry.seed ?? "");
  updateCount();
}
