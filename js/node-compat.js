// Node 18 to 22.11 (node.js needs the "module-sync" condition and process.getBuiltinModule):
// compiles the module from disk synchronously at import, so no init step is needed.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { initSync } from "./apiframe_reve.js";
import { wasmBytes } from "./node-wasm.js";

// Node 18 has Web Crypto only as node:crypto's webcrypto; 19+ has it as globalThis.crypto.
// Loaded only there: importing node:crypto costs about a millisecond of start-up.
if (!globalThis.crypto?.subtle) {
  const { webcrypto } = createRequire(import.meta.url)("node:crypto");
  Object.defineProperty(globalThis, "crypto", { value: webcrypto, configurable: true, writable: true });
}

initSync({ module: wasmBytes(new URL("./apiframe_reve_bg.wasm", import.meta.url), readFileSync, createRequire) });

export { ReveClient, createProxyHandler, imageUrls, parseWebhook, reveCapabilities, verifyWebhook } from "./apiframe_reve.js";
export { ApiframeError } from "./errors.js";
