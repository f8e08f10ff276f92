// Next.js edge routes and middleware, and Vercel Edge Functions ("edge-light"): they forbid
// compiling WebAssembly from bytes at run time, and give an imported `.wasm?module` as a
// compiled WebAssembly.Module instead (as workerd does). Instantiating it needs no fetch.
import wasmModule from "./apiframe_reve_bg.wasm?module";
import { initSync } from "./apiframe_reve.js";

// Next's build and edge-runtime compile the module outside the function's realm, so it fails
// the glue's `instanceof WebAssembly.Module` (and the glue would then try to compile it as
// bytes, which is refused). It is a compiled module all the same (its tag says so), and
// instantiating checks that tag, not the realm: adopt it into this realm's prototype.
const foreign = !(wasmModule instanceof WebAssembly.Module) && Object.prototype.toString.call(wasmModule) === "[object WebAssembly.Module]";
initSync({ module: foreign ? Object.setPrototypeOf(wasmModule, WebAssembly.Module.prototype) : wasmModule });

export * from "./exports.js";
