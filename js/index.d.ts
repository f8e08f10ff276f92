// Typings of every entry of apiframe-reve (browser, Web Worker, Node, Deno, workerd). The
// types come from the library's Rust types (serde + tsify) through wasm-bindgen.
export { ReveClient, createProxyHandler, imageUrls, parseWebhook, reveCapabilities, verifyWebhook } from "./apiframe_reve.js";
export type {
  AspectRatio,
  DownloadedImage,
  DownloadOptions,
  ErrorCode,
  GenerateOptions,
  GenerateRequest,
  Job,
  JobAccepted,
  JobList,
  JobRecords,
  JobStatus,
  JobStore,
  JobStorePage,
  ListJobsParams,
  Model,
  ProxyOptions,
  RequestOptions,
  ReveCapabilities,
  ReveClientOptions,
  ReveParams,
  RunOptions,
  Scope,
  WaitOptions,
  WebhookEvent,
  WebhookInput,
  WebhookPayload,
} from "./apiframe_reve.js";
export { ApiframeError } from "./errors.js";

// wasm-bindgen declares `[Symbol.dispose]()` on exported classes (`using` support). Declared
// here too, as @types/node does, so the typings check with any `lib` setting, not only
// `esnext.disposable`.
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}
