import type { ErrorCode, Job } from "./apiframe_reve.js";

/**
 * The one error class of apiframe-reve: every rejected promise and thrown error is one.
 * Check `code`; `retryable` says whether the same call may succeed later.
 */
export declare class ApiframeError extends Error {
  /** "AbortError" for aborts (code "aborted"), else "ApiframeError". */
  readonly name: "ApiframeError" | "AbortError";
  /** What happened. */
  readonly code: ErrorCode;
  /** Whether the same call may succeed if made again. */
  readonly retryable: boolean;
  /** HTTP status, when an answer arrived. */
  readonly status?: number;
  /** The service's `x-request-id`, for support. */
  readonly requestId?: string;
  /** What `Retry-After` asked for, in ms. */
  readonly retryAfterMs?: number;
  /** Structured detail: `{field, allowed}` for bad input, the service's details otherwise. */
  readonly details?: unknown;
  /** The job this error concerns, once one exists: it may be billed, so keep it. */
  readonly jobId?: string;
  /** The job, for job_failed, job_cancelled and expired outputs. */
  readonly job?: Job;
  /** The abort reason, or the underlying network error. */
  readonly cause?: unknown;
  toJSON(): Record<string, unknown>;
}
