// Typings of apiframe-reve/ai: Reve as a Vercel AI SDK image model. The types are written to
// match @ai-sdk/provider's ImageModelV3 without importing it (tests/types checks that they are
// assignable under tsc --strict).
import type { ApiframeImageOptions, ApiframeProviderSettings } from "./apiframe_reve.js";

export type { ApiframeImageOptions, ApiframeProviderSettings };

/** A warning of one call, as the AI SDK's `SharedV3Warning`. */
export type ApiframeImageWarning = { type: "unsupported"; feature: string; details?: string };

/** What `generateImage` passes to `doGenerate` (the AI SDK's `ImageModelV3CallOptions`). */
export interface ApiframeImageCallOptions {
  prompt: string | undefined;
  n: number;
  size: `${number}x${number}` | undefined;
  aspectRatio: `${number}:${number}` | undefined;
  seed: number | undefined;
  files: unknown[] | undefined;
  mask: unknown | undefined;
  providerOptions: Record<string, Record<string, unknown>> & { apiframe?: ApiframeImageOptions };
  abortSignal?: AbortSignal;
  headers?: Record<string, string | undefined>;
}

/** One image's `providerMetadata.apiframe.images` entry (a type, not an interface: it must
 * be assignable to the AI SDK's JSON types). */
export type ApiframeImageMetadata = {
  jobId: string | null;
  url: string;
  mediaType: string;
  creditCost: number | null;
  createdAt: string | null;
  completedAt: string | null;
  aspectRatio: string | null;
  seed: number | null;
};

/** Reve through Apiframe as an AI SDK image model (`ImageModelV3`). */
export interface ApiframeImageModel {
  readonly specificationVersion: "v3";
  readonly provider: "apiframe";
  readonly modelId: "reve-create";
  readonly maxImagesPerCall: 1;
  /** Runs one job per image (`n`), downloads its outputs, and returns their bytes. */
  doGenerate(options: ApiframeImageCallOptions): PromiseLike<{
    images: Array<Uint8Array>;
    warnings: Array<ApiframeImageWarning>;
    providerMetadata: { apiframe: { images: ApiframeImageMetadata[] } };
    response: { timestamp: Date; modelId: string; headers: Record<string, string> | undefined };
  }>;
}

/** An Apiframe provider: `provider.image("reve-create")` for `generateImage`. */
export interface ApiframeProvider {
  (modelId: "reve-create"): ApiframeImageModel;
  readonly specificationVersion: "v3";
  /** The image model; another id throws `ApiframeError` naming the one served. */
  image(modelId: "reve-create"): ApiframeImageModel;
  /** The same as `image`. */
  imageModel(modelId: "reve-create"): ApiframeImageModel;
  /** Not served: throws `ApiframeError`. */
  languageModel(modelId: string): never;
  /** Not served: throws `ApiframeError`. */
  embeddingModel(modelId: string): never;
  /** Not served: throws `ApiframeError`. */
  textEmbeddingModel(modelId: string): never;
}

/** A provider with your settings (all optional; an unknown name throws, naming it). */
export declare function createApiframe(settings?: ApiframeProviderSettings): ApiframeProvider;

/** The default provider: `APIFRAME_API_KEY` and `APIFRAME_BASE_URL` from `process.env`. */
export declare const apiframe: ApiframeProvider;
