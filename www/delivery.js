// How the watched job reached the page, told from what the page's client sent (library.js
// counts it): pushed, when a proxy with webhooks named the job's event stream and the client
// waited on it, or polled, when it looked at the job on a schedule; and the requests the job
// cost the page (the submission, the looks, the stream; the image's download aside).
import { connection } from "./settings.js";
import { state } from "./state.js";

const $ = (id) => document.getElementById(id);
const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

/** What the page's client sent for job `jobId`: {submissions, looks, streams, streamed,
 * opening}; `streamed`: an event stream was opened (answered 200); `opening`: one is unanswered. */
export function requestsFor(jobId, requests = state.requests) {
  const sent = requests.map((r) => ({ ...r, path: new URL(r.url, location.href).pathname }));
  const streams = sent.filter((r) => r.method === "GET" && r.path.endsWith(`/v2/jobs/${jobId}/events`));
  return {
    submissions: sent.filter((r) => r.method === "POST" && r.path.endsWith("/v2/images/generate")).length,
    looks: sent.filter((r) => r.method === "GET" && r.path.endsWith(`/v2/jobs/${jobId}`)).length,
    streams: streams.length,
    streamed: streams.some((r) => r.status === 200),
    opening: streams.some((r) => r.status === undefined),
  };
}

/** Shows how the watched job reaches the page and what it cost so far (all of it, once the
 * watch has ended). Nothing while it is being submitted. */
export function showDelivery() {
  const { jobId, done, stopped } = state.watch;
  const line = $("delivery");
  if (!jobId) {
    line.textContent = "";
    delete line.dataset.how;
    return;
  }
  const { submissions, looks, streams, streamed, opening } = requestsFor(jobId);
  const ended = done || stopped;
  const proxy = connection().mode === "proxy";
  const why = !proxy ? "" : streams ? " (the proxy's event stream could not be opened)" : " (this proxy names no event stream)";
  const how = streamed ? "pushed" : opening && !ended ? "opening" : "polled";
  const told = {
    pushed: `Pushed: each change ${ended ? "came" : "comes"} over the proxy's event stream.`,
    opening: "Opening the proxy's event stream…",
    polled: `Polled: the page ${ended ? "looked" : "looks"} at the job on a schedule${why}.`,
  }[how];
  const parts = [
    submissions === 1 ? "the submission" : submissions > 1 ? `the submission, sent ${submissions} times` : "",
    looks ? plural(looks, "look at the job", "looks at the job") : "",
    streams === 1 ? "the event stream" : streams > 1 ? `the event stream, opened ${streams} times` : "",
  ].filter(Boolean);
  const total = submissions + looks + streams;
  const list = parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}` : parts[0] ?? "none";
  const where = proxy ? "the proxy" : "the emulator";
  // A resumed wait has no submission: what it cost is its own.
  const cost = !ended ? "So far it has cost" : submissions ? "This job cost" : "Resuming it cost";
  const text = `${told} ${cost} ${plural(total, "request", "requests")} to ${where}: ${list}.`;
  if (line.textContent !== text) line.textContent = text;
  line.dataset.how = how;
}
