// One process of a Node cluster, for tests/proxy-redis.test.mjs: createProxyHandler with
// `webhookUrl` and its job records on Redis (examples/redis-job-records.mjs), served over HTTP
// on 127.0.0.1 by `serveProxy`. Prints its URL, then serves until SIGTERM. Its upstream GETs
// are counted, and read at GET /__upstream-gets.
//   node redis-proxy.mjs <emulator url> <redis url> <api key>
import Redis from "ioredis";
import { createProxyHandler } from "apiframe-reve";
import { redisJobRecords } from "../../examples/redis-job-records.mjs";
import { recordingFetch, serveProxy } from "./proxy-fixtures.mjs";

const [upstreamUrl, redisUrl, apiKey] = process.argv.slice(2);
const redis = new Redis(redisUrl);
const jobRecords = redisJobRecords(redis);
const upstream = recordingFetch();
const served = await serveProxy((webhookUrl) => {
  const proxy = createProxyHandler({
    apiKey, upstream: upstreamUrl, prefix: "/api/reve", allowAnonymous: true, fetch: upstream.fetch, webhookUrl, jobRecords,
  });
  return (request) => (new URL(request.url).pathname === "/__upstream-gets" ? Response.json({ gets: upstream.gets }) : proxy(request));
});
console.log(served.url);
process.on("SIGTERM", async () => {
  await served.close();
  await jobRecords.close();
  redis.disconnect();
  process.exit(0);
});
