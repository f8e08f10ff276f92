// Node 18+: compiles the module from disk synchronously at import, so no init step is needed.
import { readFileSync } from "node:fs";
import { initSync } from "./apiframe_reve.js";

initSync({ module: readFileSync(new URL("./apiframe_reve_bg.wasm", import.meta.url)) });

export { ReveClient, imageUrls } from "./apiframe_reve.js";
export { ApiframeError } from "./errors.js";
