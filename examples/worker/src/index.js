// A Cloudflare Worker that keeps the Apiframe key: it proxies the three API routes for
// browsers (`new ReveClient({ baseUrl: "https://<this worker>/api/reve" })`), each signed-in
// user seeing only their own jobs, and receives the service's signed webhooks. Deploy with
// `wrangler deploy`; set the key with `wrangler secret put APIFRAME_API_KEY`.
import { ApiframeError, createProxyHandler, durableJobRecords, parseWebhook } from "apiframe-reve";
import { kvJobStore } from "./kv-job-store.js";

// The Durable Object class that keeps each job's record (wrangler.toml binds it as
// JOB_RECORDS): Workers need it exported from the main module.
export { JobRecordsObject } from "apiframe-reve";

let proxy; // made on the first request: a Worker's env is known only then

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === "/webhooks/reve") {
      return request.method === "POST" ? receiveWebhook(request, env) : new Response(null, { status: 405, headers: { allow: "POST" } });
    }
    if (pathname.startsWith("/api/reve/")) {
      proxy ??= createProxyHandler({
        apiKey: env.APIFRAME_API_KEY,
        upstream: env.APIFRAME_BASE_URL || undefined,
        prefix: "/api/reve",
        cors: { origins: (env.ALLOWED_ORIGINS ?? "").split(",").map((o) => o.trim()).filter(Boolean) },
        // Who may spend your credits, and who they are: here, the user whose session cookie
        // the request carries (each user then reads and lists only their own jobs). Replace
        // userOf() with your real session check. ALLOW_ANONYMOUS=true opens the proxy to
        // anyone, sharing every job (local development only).
        allowAnonymous: env.ALLOW_ANONYMOUS === "true",
        authorize: env.ALLOW_ANONYMOUS === "true" ? undefined : (req) => userOf(req, env) ?? false,
        // Whose each job is, shared by every isolate of this Worker.
        jobStore: kvJobStore(env.JOBS),
        // With PUBLIC_URL (this Worker's origin), the service pushes each job's events to
        // /api/reve/webhook and callers get them on each job's event stream; the records live
        // in one Durable Object per job, which every isolate reaches. Without it, reads poll.
        ...(env.PUBLIC_URL
          ? { webhookUrl: `${env.PUBLIC_URL.replace(/\/$/, "")}/api/reve/webhook`, jobRecords: durableJobRecords(env.JOB_RECORDS) }
          : {}),
      });
      return proxy(request);
    }
    return new Response("Not found", { status: 404 });
  },
};

/**
 * The signed-in user of a request, or undefined. This example reads the `session` cookie and
 * looks it up in the SESSIONS secret ("token:user,token:user"); your app would look it up in
 * its own session store.
 */
function userOf(request, env) {
  const token = (request.headers.get("cookie") ?? "")
    .split(/;\s*/)
    .find((c) => c.startsWith("session="))
    ?.slice("session=".length);
  if (!token) return undefined;
  for (const entry of (env.SESSIONS ?? "").split(",")) {
    const [t, user] = entry.trim().split(":");
    if (t && user && t === token) return user;
  }
  return undefined;
}

/**
 * Webhook events arrive signed, possibly twice, possibly out of order. This handler is
 * idempotent: it keeps, per job, the furthest event seen (a final event beats any progress,
 * higher progress beats lower), so replays and late arrivals change nothing. It answers fast
 * and does the slow work elsewhere (here: nothing but a KV write).
 */
async function receiveWebhook(request, env) {
  const body = await request.text(); // the raw body: the signature covers these exact bytes
  let event;
  try {
    event = await parseWebhook({ apiKey: env.APIFRAME_API_KEY, body, signature: request.headers.get("x-webhook-signature") });
  } catch (e) {
    if (e instanceof ApiframeError) return new Response(e.message, { status: e.code === "authentication" ? 401 : 400 });
    throw e;
  }
  const key = `job:${event.jobId}`;
  const previous = await env.JOBS.get(key, "json");
  if (rank(event) > rank(previous)) await env.JOBS.put(key, JSON.stringify(event));
  return new Response(null, { status: 204 });
}

function rank(event) {
  if (!event) return -1;
  if (event.event === "completed" || event.event === "failed") return 1000;
  return Number(event.progress) || 0;
}
