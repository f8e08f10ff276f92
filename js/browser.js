// Browsers (pages and Web Workers) and bundlers: streams the module next to this file in,
// with a top-level await, so importing is all the set-up there is. This is the client-only
// module: the proxy and the webhook verifier run where the API key lives, on a server or an
// edge runtime, and leaving them out makes it 14 KB gzipped smaller. Stand-ins say so.
import init from "./apiframe_reve_client.js";
import { ApiframeError } from "./errors.js";

await init({ module_or_path: new URL("./apiframe_reve_client_bg.wasm", import.meta.url) });

export { ReveClient, imageUrls, reveCapabilities } from "./apiframe_reve_client.js";
export { ApiframeError };

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
