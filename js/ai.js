// apiframe-reve/ai: Reve as a Vercel AI SDK image model (ImageModelV3), for `generateImage` of
// ai 6 and ai 7. It imports the package by its own name, so each runtime gets its own entry of
// the package (and its one module instance). The mapping of `generateImage`'s settings is the
// core's (Rust, core::ai_sdk), reached through `ReveClient.__aiImageCall`; this file only
// shapes the AI SDK's objects and runs the calls.
import { ReveClient, ApiframeError } from "apiframe-reve";

const PROVIDER = "apiframe";

/** `process.env` values where the runtime has one (Node, Deno, Next.js, Vercel). */
function fromEnv() {
  const env = globalThis.process?.env;
  return env ? { apiKey: env.APIFRAME_API_KEY || undefined, baseURL: env.APIFRAME_BASE_URL || undefined } : {};
}

/** A signal that aborts when `outer` does, or when `abort()` is called; `release()` unhooks it. */
function linkedAbort(outer) {
  const controller = new AbortController();
  const onAbort = () => controller.abort(outer.reason);
  if (outer?.aborted) controller.abort(outer.reason);
  else outer?.addEventListener("abort", onAbort, { once: true });
  return {
    signal: controller.signal,
    abort: (reason) => controller.abort(reason),
    release: () => outer?.removeEventListener("abort", onAbort),
  };
}

/** The browser's module leaves the provider out: generateImage runs where the key is kept. */
function serverOnly() {
  if (typeof ReveClient.__aiImageCall !== "function") {
    throw new ApiframeError("apiframe-reve/ai runs on a server or an edge runtime (Node, Deno, Cloudflare Workers, Next.js routes), where the API key is kept; the browser build of apiframe-reve leaves it out", { code: "invalid_request" });
  }
}

function notServed(kind, modelId) {
  return new ApiframeError(`apiframe-reve/ai serves image models only (imageModel("reve-create")), not a ${kind} model "${modelId}"`, {
    code: "invalid_request",
    details: { field: "modelId" },
  });
}

/** One image's provider metadata: plain JSON, null where the service said nothing. */
function imageMetadata(job, image, request) {
  return {
    jobId: job.id ?? null,
    url: image.url,
    mediaType: image.mediaType,
    creditCost: job.creditCost ?? null,
    createdAt: job.createdAt ?? null,
    completedAt: job.completedAt ?? null,
    aspectRatio: request.reveParams?.aspect_ratio ?? null,
    seed: request.reveParams?.seed ?? null,
  };
}

/**
 * The `ImageModelV3` of `modelId`. A plain object whose `doGenerate` closes over its client
 * (ai 7 wraps v3 models in a Proxy, so nothing may depend on `this`).
 */
function imageModel(modelId, client) {
  serverOnly();
  ReveClient.__aiImageCall(modelId); // throws for a model this package does not serve
  return {
    specificationVersion: "v3",
    provider: PROVIDER,
    modelId,
    maxImagesPerCall: 1,
    doGenerate: (options) => generate(modelId, client(), options),
  };
}

/** One `doGenerate`: `n` jobs (one, from generateImage), each run and downloaded. */
async function generate(modelId, client, options) {
  const plan = ReveClient.__aiImageCall(modelId, options ?? {});
  const timestamp = new Date();
  // One failed job of several ends the others: their polls and downloads are aborted.
  const link = linkedAbort(options?.abortSignal);
  try {
    const one = async () => {
      const job = await client.run(plan.request, { signal: link.signal, timeoutMs: plan.timeoutMs, headers: options?.headers });
      // The job is billed: a failed download must not invite a second generateImage.
      const images = await client.downloadImages(job, { signal: link.signal }).catch((e) => {
        throw ReveClient.__aiAfterJob(e);
      });
      return { job, images };
    };
    const runs = Array.from({ length: plan.n }, () =>
      one().catch((e) => {
        link.abort(e);
        throw e;
      }),
    );
    const done = await Promise.all(runs);
    return {
      images: done.flatMap((d) => d.images.map((i) => i.bytes)),
      warnings: plan.warnings,
      providerMetadata: { [PROVIDER]: { images: done.flatMap((d) => d.images.map((i) => imageMetadata(d.job, i, plan.request))) } },
      response: { timestamp, modelId, headers: undefined },
    };
  } finally {
    link.release();
  }
}

/**
 * An Apiframe provider for the AI SDK: `provider.image("reve-create")` is an `ImageModelV3`
 * for `generateImage`. Settings (all optional, closed): `apiKey`, `baseURL`, `headers`,
 * `fetch`.
 */
export function createApiframe(settings = {}) {
  serverOnly();
  return provider(() => ReveClient.__aiClient(settings, fromEnv()), true);
}

function provider(makeClient, eager) {
  let client = eager ? makeClient() : undefined;
  const lazyClient = () => (client ??= makeClient());
  const image = (modelId) => imageModel(modelId, lazyClient);
  const apiframe = (modelId) => image(modelId);
  apiframe.specificationVersion = "v3";
  apiframe.image = image;
  apiframe.imageModel = image;
  apiframe.languageModel = (modelId) => {
    throw notServed("language", modelId);
  };
  apiframe.embeddingModel = (modelId) => {
    throw notServed("embedding", modelId);
  };
  apiframe.textEmbeddingModel = apiframe.embeddingModel;
  return apiframe;
}

/**
 * The default provider: its key from `process.env.APIFRAME_API_KEY` and its base URL from
 * `process.env.APIFRAME_BASE_URL`, read at its first call.
 */
export const apiframe = provider(() => ReveClient.__aiClient({}, fromEnv()), false);
