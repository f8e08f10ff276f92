// Cloudflare Workers (workerd): the runtime compiles the .wasm import ahead of time (wrangler
// bundles it as a CompiledWasm module); instantiating it needs no fetch and no timer.
import wasmModule from "./apiframe_reve_bg.wasm";
import { initSync } from "./apiframe_reve.js";

initSync({ module: wasmModule });

export * from "./exports.js";
// Workers only: the job records of a proxy with webhookUrl, shared by every isolate.
export { JobRecordsObject, durableJobRecords } from "./durable-job-records.js";
