// Errors in plain words, shown next to the field they concern (the library names it in
// `details.field`), or under the form.
import { ApiframeError } from "./library.js";
import { connection } from "./settings.js";

const $ = (id) => document.getElementById(id);

/** Where a field's error is shown, by the library's name of the field. */
const FIELD_ERRORS = {
  prompt: "prompt-error",
  "reveParams.aspect_ratio": "ratio-error",
  "reveParams.seed": "seed-error",
  "reveParams.version": "seed-error",
  webhookUrl: "webhook-error",
  webhookEvents: "webhook-error",
  baseUrl: "proxy-error",
};
/** The input each error place belongs to. */
const INPUTS = { "prompt-error": "prompt", "seed-error": "seed", "webhook-error": "webhook", "proxy-error": "proxy-url" };

/** Clears every error shown. */
export function clearErrors() {
  for (const el of document.querySelectorAll(".error")) el.textContent = "";
  for (const el of document.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
}

/** An error in plain words: {text, field?}. */
export function explain(e) {
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

/** Shows `e` next to its field (marked invalid and focused), or under the form. */
export function showError(e) {
  const { field, text } = explain(e);
  const where = FIELD_ERRORS[field] ?? "form-error";
  $(where).textContent = e?.requestId && !field ? `${text} (request ${e.requestId})` : text;
  const input = INPUTS[where];
  if (input) {
    $(input).setAttribute("aria-invalid", "true");
    if (where === "webhook-error" || where === "proxy-error") $(input).closest("details").open = true;
    $(input).focus();
  }
}
