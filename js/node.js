// Node 20.19+ and 22.12+ (the "module-sync" condition): compiles the module from disk
// synchronously at import, so no init step is needed, and `require()` of the package works.
// `process.getBuiltinModule` reads the file without importing an ES module of Node's: the first
// `import ... from "node:*"` in a process costs about 1.5 ms. Web Crypto is global here.
import { initSync } from "./apiframe_reve.js";
import { wasmBytes } from "./node-wasm.js";

const { readFileSync } = process.getBuiltinModule("node:fs");
initSync({ module: wasmBytes(new URL("./apiframe_reve_bg.wasm", import.meta.url), import.meta.url, readFileSync) });

export * from "./exports.js";
