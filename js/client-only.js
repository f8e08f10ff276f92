// The browser entry's module: the client-only glue (cargo feature "server" off: no proxy, no
// webhook verifier, a smaller module), and stand-ins for what it leaves out, which run
// where the API key lives (a server or an edge runtime) and say so. scripts/build.mjs bundles
// the browser entry with this module in place of apiframe_reve.js (see exports.js).
import { ApiframeError } from "./errors.js";

export * from "./apiframe_reve_client.js";
export { default } from "./apiframe_reve_client.js";

const serverOnly = (name) =>
  new ApiframeError(
    `${name} runs on a server or an edge runtime (Node, Deno, Cloudflare Workers), where the API key is kept; the browser build of apiframe-reve leaves it out`,
    { code: "invalid_request" },
  );

/** Not in the browser build: see the server entries. */
export function createProxyHandler() {
  throw serverOnly("createProxyHandler");
}

/** Not in the browser build: see the server entries. */
export async function verifyWebhook() {
  throw serverOnly("verifyWebhook");
}

/** Not in the browser build: see the server entries. */
export async function parseWebhook() {
  throw serverOnly("parseWebhook");
}
