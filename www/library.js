// What the page takes from apiframe-reve: what Reve accepts (reveCapabilities()), the page's
// client for the chosen connection, and what a job shows. The only module importing the package.
import { ApiframeError, ReveClient, imageUrls, reveCapabilities } from "apiframe-reve";
import { connection } from "./settings.js";
import { state } from "./state.js";

export { ApiframeError };

/** What Reve takes, from the library's own request types: {models, aspectRatios,
 * promptMaxLength, webhookEvents}. */
export const capabilities = reveCapabilities();

/** The local emulator's built-in key: public, and useless against the real service. */
export const EMULATOR_KEY = "afk_local_dev";

/** The page's clients' submissions as the service (or proxy) accepts them: an `accepted` event,
 * its `detail` the answer ({jobId, status}), before `run` reports the job's first change. */
export const submissions = new EventTarget();

/** The client for the chosen connection (made once per connection). Throws an ApiframeError
 * for settings the library refuses (a bad proxy URL). */
export function client() {
  const { mode, proxyUrl } = connection();
  const id = mode === "proxy" ? `proxy:${proxyUrl}` : "emulator";
  if (!state.clients.has(id)) {
    const options = mode === "proxy"
      ? { baseUrl: proxyUrl }
      : { baseUrl: location.origin, apiKey: EMULATOR_KEY, dangerouslyAllowBrowser: true };
    // The page's own fetch, counting what the library sends and how each was answered (shown
    // after a tried failure, and as what a job cost: delivery.js).
    const counting = async (url, init) => {
      const sent = { method: init?.method ?? "GET", url: String(url), status: undefined };
      state.requests.push(sent);
      const response = await fetch(url, init);
      sent.status = response.status;
      if (sent.method === "POST" && response.status === 202) {
        response.clone().json().then((detail) => submissions.dispatchEvent(new CustomEvent("accepted", { detail })), () => {});
      }
      return response;
    };
    state.clients.set(id, new ReveClient({ ...options, expectedDurationMs: state.expectedMs, fetch: counting }));
  }
  return state.clients.get(id);
}

/** The error of a call the library refused before sending anything (a bad request), or
 * undefined. Such a call returns a promise already rejected, whose reaction runs before any
 * timer: a call that went out to the network is still pending then. */
export async function refusedAtOnce(promise) {
  const early = await Promise.race([
    promise.then(() => undefined, (error) => ({ error })),
    new Promise((resolve) => setTimeout(resolve, 0)),
  ]);
  return early?.error;
}

/** What the page shows of a job: from the request it sent, or from the service's record. */
export function entryOf(job, request) {
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
