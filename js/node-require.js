// CommonJS (`require`) in Node 18 to 20.18, and in tools that load packages as CommonJS (Jest's
// default set-up): built into dist/node.cjs. Compiles the module from disk synchronously at
// load, so no init step is needed. Node 20.19+ and 22.12+ `require()` the ES module entry
// (node.js) instead, through the "module-sync" condition.
import { initSync } from "./apiframe_reve.js";

// Node 18 has Web Crypto only as node:crypto's webcrypto; 19+ has it as globalThis.crypto.
if (!globalThis.crypto?.subtle) {
  Object.defineProperty(globalThis, "crypto", { value: require("node:crypto").webcrypto, configurable: true, writable: true });
}
initSync({ module: require("node:fs").readFileSync(require("node:path").join(__dirname, "apiframe_reve_bg.wasm")) });

export { ReveClient, createProxyHandler, imageUrls, parseWebhook, reveCapabilities, verifyWebhook } from "./apiframe_reve.js";
export { ApiframeError } from "./errors.js";
