// Node 18 to 22.11 (node.js needs the "module-sync" condition and process.getBuiltinModule):
// compiles the module from disk synchronously at import, so no init step is needed.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { initSync } from "./apiframe_reve.js";
import { wasmBytes } from "./node-wasm.js";
import { provideWebCrypto } from "./web-crypto.js";

provideWebCrypto(() => createRequire(import.meta.url)("node:crypto"));
initSync({ module: wasmBytes(new URL("./apiframe_reve_bg.wasm", import.meta.url), import.meta.url, readFileSync) });

export * from "./exports.js";
