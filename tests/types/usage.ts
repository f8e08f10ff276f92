// Compiled with `tsc --strict --noEmit` against the installed package: the API as users
// write it must type-check, and every `@ts-expect-error` line must really be an error.
import {
  ApiframeError,
  ReveClient,
  createProxyHandler,
  durableJobRecords,
  JobRecordsObject,
  imageUrls,
  parseWebhook,
  verifyWebhook,
  type ProxyOptions,
  type WebhookPayload,
  type AspectRatio,
  type ErrorCode,
  type GenerateRequest,
  type Job,
  type JobAccepted,
  type JobList,
  type JobStatus,
  type JobRecords,
  type JobStore,
} from "apiframe-reve";

const client = new ReveClient({ apiKey: "afk_x", baseUrl: "https://my.site/api/reve", maxRetries: 3, timeoutMs: 30_000 });
new ReveClient({ baseUrl: "https://my.site/api/reve", fetch: (url, init) => fetch(url, init) });
new ReveClient({ apiKey: "k", expectedDurationMs: 20_000, minPollIntervalMs: 500, maxPollIntervalMs: 5_000 });

async function edge(request: Request): Promise<Response> {
  const options: ProxyOptions = {
    apiKey: "afk_x",
    prefix: "/api/reve",
    authorize: async (req: Request) => req.headers.has("cookie"),
    allowModels: ["reve-create"],
    maxPromptLength: 500,
    cors: { origins: ["https://app.example"] },
  };
  const proxy: (request: Request) => Promise<Response> = createProxyHandler(options);
  const owners = new Map<string, string>();
  const store: JobStore = {
    get: (jobId) => owners.get(jobId) ?? null,
    put: async (jobId, owner) => void owners.set(jobId, owner),
    list: async (owner, { limit, cursor }) => ({ jobIds: [...owners].filter(([, o]) => o === owner).map(([id]) => id).slice(0, limit), cursor: cursor ?? null }),
  };
  const multiUser = createProxyHandler({ apiKey: "afk_x", authorize: async (req: Request) => req.headers.get("x-user") ?? false, jobStore: store });
  void multiUser;
  const kept = new Map<string, string>();
  const records: JobRecords = {
    get: (jobId) => kept.get(jobId) ?? null,
    open: (jobId, record) => void (kept.has(jobId) || kept.set(jobId, record)),
    update: (jobId, merge) => {
      const current = kept.get(jobId);
      const next = current === undefined ? null : merge(current);
      if (next !== null) kept.set(jobId, next);
    },
    subscribe: async (_jobId, onChange) => { onChange(); return () => {}; },
  };
  const clustered = createProxyHandler({ apiKey: "afk_x", allowAnonymous: true, webhookUrl: "https://my.site/api/reve/webhook", jobRecords: records });
  void clustered;
  // Cloudflare Workers: the job records in Durable Objects (a namespace binding as env has it).
  const namespace = { idFromName: (name: string) => name, get: (_id: unknown) => ({ fetch: (input: string) => fetch(input) }) };
  const onWorkers = createProxyHandler({ apiKey: "afk_x", allowAnonymous: true, webhookUrl: "https://my.site/api/reve/webhook", jobRecords: durableJobRecords(namespace) });
  void onWorkers;
  class ShortRecords extends JobRecordsObject { override keepMs = 60_000; }
  void ShortRecords;
  // @ts-expect-error a KV namespace is not a Durable Object namespace
  durableJobRecords({ get: (key: string) => key });
  const body = await request.text();
  const ok: boolean = await verifyWebhook({ apiKey: "afk_x", body, signature: request.headers.get("x-webhook-signature") });
  const event: WebhookPayload = await parseWebhook({ apiKey: "afk_x", body: new Uint8Array(), signature: "sha256=00" });
  if (event.event === "completed") {
    const done: string = event.completedAt;
    void done;
  } else if (event.event === "failed") {
    const why: string = event.error;
    void why;
  }
  void ok;
  return proxy(request);
}

async function usage(signal: AbortSignal): Promise<string[]> {
  const request: GenerateRequest = {
    prompt: "A movie poster reading 'NIGHTFALL'",
    model: "reve-create",
    reveParams: { aspect_ratio: "16:9", seed: 1, version: "latest" },
    webhookUrl: "https://my.site/hooks/reve",
    webhookEvents: ["completed", "failed"],
  };
  const accepted: JobAccepted = await client.generate(request, { idempotencyKey: "order-1", signal });
  const id: string = accepted.jobId;
  const job: Job = await client.getJob(id, { signal });
  const progress: number | null = job.progress;
  const status: JobStatus = job.status;
  const list: JobList = await client.listJobs({ status: "COMPLETED", limit: 10, cursor: undefined, scope: "user" });
  const next: string | null = list.nextCursor;
  const done: Job = await client.waitForJob(id, { timeoutMs: 60_000, onProgress: (j: Job) => void j.progress, signal });
  const again: Job = await client.run({ prompt: "x", webhook_url: "https://a.b/h" }, { idempotencyKey: "k", onProgress: () => {} });
  const ratio: AspectRatio = "9:16";
  void [progress, status, next, done, again, ratio];
  return imageUrls(job);
}

async function many(signal: AbortSignal): Promise<void> {
  const results: PromiseSettledResult<Job>[] = await client.runMany([{ prompt: "a" }, { prompt: "b", reveParams: { aspect_ratio: "1:1" } }], {
    concurrency: 8,
    signal,
    timeoutMs: 60_000,
    onProgress: (job: Job, index: number) => void [job.status, index],
    idempotencyKeys: ["batch-1-a", undefined],
  });
  for (const r of results) {
    if (r.status === "fulfilled") {
      const done: Job = r.value;
      void done;
    } else {
      void r.reason;
    }
  }
  const watch: AsyncIterableIterator<Job> = client.watchJob("id", { signal, timeoutMs: 1000 });
  for await (const job of client.watchJob("id")) {
    const progress: number | null = job.progress;
    void progress;
  }
  void watch;
}

async function errors(): Promise<void> {
  try {
    await client.run({ prompt: "x" });
  } catch (e) {
    if (e instanceof ApiframeError) {
      const code: ErrorCode = e.code;
      const retry: boolean = e.retryable;
      const status: number | undefined = e.status;
      const jobId: string | undefined = e.jobId;
      const job: Job | undefined = e.job;
      const name: "ApiframeError" | "AbortError" = e.name;
      void [code, retry, status, jobId, job, name, e.requestId, e.details, e.message, e.toJSON()];
    }
  }
}

function misuse(): void {
  // @ts-expect-error prompt is required
  void client.generate({ reveParams: { seed: 1 } });
  // @ts-expect-error not one of the 7 ratios
  void client.generate({ prompt: "x", reveParams: { aspect_ratio: "21:9" } });
  // @ts-expect-error seed is a number
  void client.generate({ prompt: "x", reveParams: { seed: "1" } });
  // @ts-expect-error model is always reve-create
  void client.generate({ prompt: "x", model: "flux-pro" });
  // @ts-expect-error not a webhook event
  void client.generate({ prompt: "x", webhookEvents: ["done"] });
  // @ts-expect-error a typo of an option
  new ReveClient({ apiKey: "k", baseURL: "https://x" });
  // @ts-expect-error not a job status
  void client.listJobs({ status: "DONE" });
  // @ts-expect-error jobs are returned in a Promise
  const job: Job = client.getJob("id");
  // @ts-expect-error not an error code
  const code: ErrorCode = "oops";
  // @ts-expect-error the proxy needs the key
  createProxyHandler({ allowAnonymous: true });
  // @ts-expect-error an identity is a string (or true / false), not a number
  createProxyHandler({ apiKey: "k", authorize: () => 42 });
  // @ts-expect-error a job store has get, put and list
  createProxyHandler({ apiKey: "k", jobStore: { get: () => null } });
  // @ts-expect-error concurrency is a number
  void client.runMany([], { concurrency: "8" });
  // @ts-expect-error runMany takes an array of requests
  void client.runMany({ prompt: "x" });
  // @ts-expect-error idempotencyKeys are strings (or undefined), one per request
  void client.runMany([{ prompt: "x" }], { idempotencyKeys: [1] });
  // @ts-expect-error watchJob has no onProgress: its loop sees each change
  client.watchJob("id", { onProgress: () => {} });
  // @ts-expect-error webhooks are checked over the raw body, not a parsed object
  void verifyWebhook({ apiKey: "k", body: { event: "completed" }, signature: "x" });
  void [job, code];
}

void [usage, many, errors, misuse, edge];
