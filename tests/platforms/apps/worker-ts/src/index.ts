// A Worker as a TypeScript user writes it: the proxy with webhooks, its job records in the
// package's Durable Object (re-exported, as Workers require), typed by `wrangler types`.
import { createProxyHandler, durableJobRecords, JobRecordsObject } from "apiframe-reve";

export { JobRecordsObject } from "apiframe-reve";

/** The same class keeping records for an hour instead of a day. */
export class HourRecords extends JobRecordsObject {
  override keepMs = 3_600_000;
}

export default {
  async fetch(request, env): Promise<Response> {
    const proxy = createProxyHandler({
      apiKey: "afk_local_dev",
      allowAnonymous: true,
      prefix: "/api/reve",
      webhookUrl: "https://reve.example/api/reve/webhook",
      jobRecords: durableJobRecords(env.JOB_RECORDS),
    });
    return proxy(request);
  },
} satisfies ExportedHandler<Env>;
