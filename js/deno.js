// Deno: loads the module next to this file (needs read access to it, as npm packages have).
import init from "./apiframe_reve.js";

await init({ module_or_path: new URL("./apiframe_reve_bg.wasm", import.meta.url) });

export { ReveClient, createProxyHandler, imageUrls, parseWebhook, verifyWebhook } from "./apiframe_reve.js";
export { ApiframeError } from "./errors.js";
