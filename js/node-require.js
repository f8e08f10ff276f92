// CommonJS (`require`) in Node 18 to 20.18, and in tools that load packages as CommonJS (Jest's
// default set-up): built into dist/node.cjs. Compiles the module from disk synchronously at
// load, so no init step is needed. Node 20.19+ and 22.12+ `require()` the ES module entry
// (node.js) instead, through the "module-sync" condition.
import { initSync } from "./apiframe_reve.js";
import { provideWebCrypto } from "./web-crypto.js";

provideWebCrypto(() => require("node:crypto"));
initSync({ module: require("node:fs").readFileSync(require("node:path").join(__dirname, "apiframe_reve_bg.wasm")) });

export * from "./exports.js";
