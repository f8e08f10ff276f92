// Browsers (pages and Web Workers) and bundlers: streams the module next to this file in,
// with a top-level await, so importing is all the set-up there is.
import init from "./apiframe_reve.js";

await init({ module_or_path: new URL("./apiframe_reve_bg.wasm", import.meta.url) });

export { ReveClient, createProxyHandler, imageUrls, parseWebhook, verifyWebhook } from "./apiframe_reve.js";
export { ApiframeError } from "./errors.js";
