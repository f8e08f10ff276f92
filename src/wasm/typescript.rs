//! The TypeScript types that no Rust type carries: the webhook events as a union the caller
//! can narrow on `event`, and the proxy's job store and job records (interfaces of methods). Every other type
//! of the API comes from the serde types (tsify).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** A job event the service POSTs to `webhookUrl`. Duplicates and reordering happen. */
export type WebhookPayload =
  | { event: "progress"; jobId: string; status: "PROCESSING"; progress: number; model: string }
  | { event: "completed"; jobId: string; status: "COMPLETED"; progress: number; result: unknown; model: string; creditCost: number; completedAt: string }
  | { event: "failed"; jobId: string; status: "FAILED" | "CANCELLED"; error: string; model: string };

/** A page of one caller's job ids, newest first. */
export interface JobStorePage {
  jobIds: string[];
  /** Passed back to `list` for the next page; null or absent on the last one. */
  cursor?: string | null;
}

/**
 * Where a multi-user proxy records who submitted which job (`createProxyHandler`'s
 * `jobStore`). Every proxy instance that serves the same users must share it. A method that
 * throws, rejects or answers another type makes the proxy answer 503 on that route (the client
 * retries); what it threw is never shown to the caller.
 */
export interface JobStore {
  /** The identity that submitted `jobId`, or null when none did (through this store). */
  get(jobId: string): string | null | undefined | Promise<string | null | undefined>;
  /** Records that `owner` submitted `jobId`; called once per new job. */
  put(jobId: string, owner: string): void | Promise<void>;
  /** `owner`'s job ids, newest first, `limit` at a time, continuing after `cursor`. */
  list(owner: string, options: { limit: number; cursor?: string }): JobStorePage | Promise<JobStorePage>;
}

/**
 * Where a proxy with `webhookUrl` keeps each job's record (`createProxyHandler`'s
 * `jobRecords`), when several processes serve one app: the webhook lands on one, a caller's
 * event stream on another. A record is an opaque JSON string; the proxy merges, the store only
 * keeps records, applies each update atomically and tells subscribers. Default: this process's
 * memory. `examples/redis-job-records.mjs` implements it on Redis.
 */
export interface JobRecords {
  /** The record of `jobId`, or null when there is none. */
  get(jobId: string): string | null | undefined | Promise<string | null | undefined>;
  /** Stores `record` for `jobId` unless the job has one already (a replayed submission). */
  open(jobId: string, record: string): void | Promise<void>;
  /**
   * Atomically: reads `jobId`'s record, calls `merge(current)` and, when it returns a string,
   * writes it and calls the job's subscribers (in every process). When another write came in
   * between, read again and call `merge` again. Nothing when the job has no record.
   */
  update(jobId: string, merge: (current: string) => string | null): void | Promise<void>;
  /** Calls `onChange()` at each write of `jobId`'s record; resolves to the function that stops it. */
  subscribe(jobId: string, onChange: () => void): (() => void) | Promise<() => void>;
}
"#;
