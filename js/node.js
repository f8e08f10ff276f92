// Node 18+: compiles the module from disk synchronously at import, so no init step is needed.
import { webcrypto } from "node:crypto";
import { readFileSync } from "node:fs";
import { initSync } from "./apiframe_reve.js";

// Node 18 has Web Crypto only as node:crypto's webcrypto; 19+ has it as globalThis.crypto.
if (!globalThis.crypto?.subtle) {
  Object.defineProperty(globalThis, "crypto", { value: webcrypto, configurable: true, writable: true });
}

initSync({ module: readFileSync(new URL("./apiframe_reve_bg.wasm", import.meta.url)) });

export { ReveClient, createProxyHandler, imageUrls, parseWebhook, verifyWebhook } from "./apiframe_reve.js";
export { ApiframeError } from "./errors.js";
