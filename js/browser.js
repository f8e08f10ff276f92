// Browsers (pages and Web Workers) and bundlers: streams the client-only module next to this
// file in, with a top-level await, so importing is all the set-up there is. The proxy and the
// webhook verifier are stand-ins here (client-only.js): they run where the API key lives.
import init from "./client-only.js";

await init({ module_or_path: new URL("./apiframe_reve_client_bg.wasm", import.meta.url) });

export * from "./exports.js";
