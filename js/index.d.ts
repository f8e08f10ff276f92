// Typings of every entry of apiframe-reve (browser, Web Worker, Node, Deno, workerd).
export { ReveClient, createProxyHandler, imageUrls, parseWebhook, verifyWebhook } from "./apiframe_reve.js";
export type {
  AspectRatio,
  ErrorCode,
  GenerateOptions,
  GenerateRequest,
  Job,
  JobAccepted,
  JobList,
  JobStatus,
  ListJobsParams,
  ProxyOptions,
  RequestOptions,
  ReveClientOptions,
  ReveParams,
  RunOptions,
  WaitOptions,
  WebhookEvent,
  WebhookInput,
  WebhookPayload,
} from "./apiframe_reve.js";
export { ApiframeError } from "./errors.js";
