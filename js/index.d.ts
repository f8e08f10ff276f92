// Typings of every entry of apiframe-reve (browser, Web Worker, Node, Deno, workerd).
export { ReveClient, imageUrls } from "./apiframe_reve.js";
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
  RequestOptions,
  ReveClientOptions,
  ReveParams,
  RunOptions,
  WaitOptions,
  WebhookEvent,
} from "./apiframe_reve.js";
export { ApiframeError } from "./errors.js";
