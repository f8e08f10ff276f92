//! The TypeScript types of the API, emitted into the generated `.d.ts`.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** One of the 7 aspect ratios Reve renders. */
export type AspectRatio = "16:9" | "9:16" | "3:2" | "2:3" | "4:3" | "3:4" | "1:1";

/** Where a job stands. COMPLETED, FAILED and CANCELLED are final. */
export type JobStatus = "QUEUED" | "PROCESSING" | "COMPLETED" | "FAILED" | "CANCELLED";

/** Job events a webhook can receive. */
export type WebhookEvent = "progress" | "completed" | "failed";

/** What `ApiframeError.code` can be. */
export type ErrorCode =
  | "invalid_request" | "authentication" | "permission" | "insufficient_credits" | "not_found"
  | "conflict" | "rate_limited" | "server" | "network" | "timeout" | "aborted"
  | "job_failed" | "job_cancelled";

/** Reve's own parameters, sent as `reveParams`. */
export interface ReveParams {
  /** Output shape; the service's default when left out. */
  aspect_ratio?: AspectRatio;
  /** Reuse a seed to reproduce a result; a safe integer. */
  seed?: number;
  /** Model version. */
  version?: string;
}

/** The body of `POST /v2/images/generate`, as the service documents it. */
export interface GenerateRequest {
  /** What to draw: 1 to 2000 characters. */
  prompt: string;
  /** Always "reve-create" (the default). */
  model?: "reve-create";
  reveParams?: ReveParams;
  /** Absolute http(s) URL the service POSTs job events to. */
  webhookUrl?: string;
  /** The product page's spelling of `webhookUrl`; sent as `webhookUrl`. */
  webhook_url?: string;
  /** Which events to send (a non-empty subset). */
  webhookEvents?: WebhookEvent[];
}

/** The answer to a submission. */
export interface JobAccepted {
  jobId: string;
  status: JobStatus;
}

/** A job as `GET /v2/jobs/{id}` returns it; fields the service adds later are kept too. */
export interface Job {
  id: string;
  status: JobStatus;
  model: string;
  /** 0 to 100, or null when the service does not report it. */
  progress: number | null;
  error: string | null;
  creditCost: number | null;
  webhookStatus: "pending" | "delivered" | "failed" | null;
  createdAt: string;
  completedAt: string | null;
  /** The outputs; read them with `imageUrls(job)`. */
  result?: unknown;
  input?: Record<string, unknown> | null;
  /** True once the output files were purged (after 24 h by default). */
  expired?: boolean;
}

/** One page of `GET /v2/jobs`. */
export interface JobList {
  jobs: Job[];
  nextCursor: string | null;
  hasMore: boolean;
  models?: string[];
}

/** Filters and paging for `listJobs`. */
export interface ListJobsParams {
  status?: JobStatus;
  model?: string;
  /** 1 to 100; the service's default is 20. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  scope?: "user" | "team";
}

/** Settings of a `ReveClient`. */
export interface ReveClientOptions {
  /** Your Apiframe key (`afk_...`). Keep it on servers and edge functions. */
  apiKey?: string;
  /** The service, or your proxy; default https://api.apiframe.ai. */
  baseUrl?: string;
  /** Retries of a failed request (0 to 10, default 2). */
  maxRetries?: number;
  /** Time limit of one request attempt in ms (default 60000). */
  timeoutMs?: number;
  /** Typical job duration in ms, to pace polling until the client has learned it (default 15000). */
  expectedDurationMs?: number;
  /** Shortest wait between two looks at a job, in ms (default 250). */
  minPollIntervalMs?: number;
  /** Longest wait between two looks at a job, in ms (default 10000). */
  maxPollIntervalMs?: number;
  /** A fetch to use instead of the global one; called unbound. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** Allow `apiKey` in a browser page, where every visitor can read it. */
  dangerouslyAllowBrowser?: boolean;
}

/** Options of any single call. */
export interface RequestOptions {
  /** Aborting rejects the call at once with code "aborted". */
  signal?: AbortSignal;
}

/** Options of `generate`. */
export interface GenerateOptions extends RequestOptions {
  /** Makes retries of this submission safe; one is made per call when left out. */
  idempotencyKey?: string;
}

/** Options of `waitForJob`. */
export interface WaitOptions extends RequestOptions {
  /** Give up waiting after this many ms (default 600000); the job goes on. */
  timeoutMs?: number;
  /** Called with the job whenever its status or progress changes. */
  onProgress?: (job: Job) => void;
}

/** Options of `run`. */
export interface RunOptions extends WaitOptions {
  idempotencyKey?: string;
}

/** Settings of `createProxyHandler`. */
export interface ProxyOptions {
  /** Your Apiframe key: added to every forwarded request, never sent to browsers. */
  apiKey: string;
  /** The service; default https://api.apiframe.ai. */
  upstream?: string;
  /** Where the proxy is mounted, e.g. "/api/reve"; default the root. */
  prefix?: string;
  /** Decides who may call: return (or resolve) true to let the request through. */
  authorize?: (request: Request) => boolean | Promise<boolean>;
  /** Let every request through. Without it or `authorize`, every request is refused 401. */
  allowAnonymous?: boolean;
  /** Models that may be submitted; default ["reve-create"]. */
  allowModels?: string[];
  /** A stricter prompt limit than the service's 2000. */
  maxPromptLength?: number;
  /** Largest submission body in bytes; default 16384. */
  maxBodyBytes?: number;
  /** Origins allowed to call from browsers ("*" for any); default none (same origin only). */
  cors?: { origins: string[] } | string[];
  /** A fetch for the upstream instead of the global one. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
}

/** What `verifyWebhook` and `parseWebhook` check. */
export interface WebhookInput {
  /** The API key the job was submitted with. */
  apiKey: string;
  /** The raw request body, exactly as received: `await request.text()` or its bytes. */
  body: string | ArrayBuffer | Uint8Array;
  /** The `X-Webhook-Signature` header: `sha256=<hex>` or bare hex. */
  signature: string | null | undefined;
}

/** A job event the service POSTs to `webhookUrl`. Duplicates and reordering happen. */
export type WebhookPayload =
  | { event: "progress"; jobId: string; status: "PROCESSING"; progress: number; model: string }
  | { event: "completed"; jobId: string; status: "COMPLETED"; progress: number; result: unknown; model: string; creditCost: number; completedAt: string }
  | { event: "failed"; jobId: string; status: "FAILED" | "CANCELLED"; error: string; model: string };
"#;
