// Typings of every entry of apiframe-reve (browser, Web Worker, Node, Deno, workerd). The
// types come from the library's Rust types (serde + tsify) through wasm-bindgen; the Durable
// Object of the workerd entry (js/durable-job-records.js) is typed here by hand.
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
import type { JobRecords } from "./apiframe_reve.js";
export { ApiframeError } from "./errors.js";

/**
 * The Durable Object class that keeps one job's record for a proxy with `webhookUrl` on
 * Cloudflare Workers, and serves its changes to every isolate. Bind it in wrangler.toml
 * (`[[durable_objects.bindings]]`, and `new_sqlite_classes` in `[[migrations]]`), re-export it
 * from the Worker's main module, and hand the binding to `durableJobRecords`. Only in the
 * workerd entry (the `workerd` export condition, which wrangler resolves); undefined elsewhere.
 */
export declare class JobRecordsObject {
  constructor(state: JobRecordsObjectState, env?: unknown);
  /**
   * Types only, never present: the brand of Cloudflare's `DurableObject` classes (its key is
   * this string), so that `wrangler types`' `DurableObjectNamespace<JobRecordsObject>` and its
   * typing of the main module's exports accept this class, which needs no `cloudflare:workers`.
   */
  readonly __DURABLE_OBJECT_BRAND: never;
  /** How long it keeps a job's record after opening it, in ms (a day; a subclass may change it). */
  keepMs: number;
  /** The object's routes, called by `durableJobRecords`' stubs. */
  fetch(request: Request): Promise<Response>;
  /** Deletes the object's storage once the record's day is over. */
  alarm(): Promise<void>;
}

/** What `JobRecordsObject` uses of its `DurableObjectState`: the storage. */
export interface JobRecordsObjectState {
  storage: {
    get(keys: string[]): Promise<Map<string, unknown>>;
    put(entries: Record<string, unknown>): Promise<void>;
    setAlarm(scheduledTime: number): Promise<void>;
    deleteAll(): Promise<void>;
  };
}

/** A Durable Object namespace binding (`DurableObjectNamespace`), as `durableJobRecords` uses it. */
export interface JobRecordsNamespace {
  idFromName(name: string): unknown;
  get(id: any): { fetch(input: string, init?: { method?: string; body?: string }): Promise<Response> };
}

/**
 * `createProxyHandler`'s `jobRecords` on Cloudflare Workers: each job's record in its own
 * `JobRecordsObject` of `namespace` (`env.JOB_RECORDS`), so the webhook received by one isolate
 * moves the event stream served by another. Only in the workerd entry; undefined elsewhere.
 */
export declare function durableJobRecords(namespace: JobRecordsNamespace): JobRecords;

// wasm-bindgen declares `[Symbol.dispose]()` on exported classes (`using` support). Declared
// here too, as @types/node does, so the typings check with any `lib` setting, not only
// `esnext.disposable`.
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}
