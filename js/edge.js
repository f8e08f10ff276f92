// Edge runtimes without an entry of their own ("edge-light", "worker") and the "default"
// condition: the whole module (the proxy and the webhook verifier included), streamed in with a
// top-level await next to this file, as the browser entry does.
import init from "./apiframe_reve.js";

await init({ module_or_path: new URL("./apiframe_reve_bg.wasm", import.meta.url) });

export * from "./exports.js";
