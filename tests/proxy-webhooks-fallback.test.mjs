// A proxy whose webhooks never arrive (every event lost: a delivery dropped, or a service that
// cannot reach this address, as in local development) still ends each job, looking upstream
// on the adaptive schedule: a 6 s job completes with at most 10 upstream GETs. Against the
// emulator with 6 s jobs. How long it took is printed (a diagnostic line), not asserted:
// BENCHMARKS.md records it (the bound is 20 s).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createProxyHandler, ReveClient } from "apiframe-reve";
import { KEY, startEmulator } from "./support/emulator.mjs";
import { recordingFetch, serveProxy } from "./support/proxy-fixtures.mjs";

let emu, proxy, upstream;
before(async () => {
  emu = await startEmulator(["--job-ms", "6000"]);
  upstream = recordingFetch();
  proxy = await serveProxy((webhookUrl) => createProxyHandler({
    apiKey: KEY, upstream: emu.url, prefix: "/api/reve", allowAnonymous: true, fetch: upstream.fetch, webhookUrl,
  }));
});
after(async () => {
  await proxy?.close();
  await emu?.stop();
});

test("a 6 s job whose events are all lost completes with at most 10 upstream GETs", async (t) => {
  await emu.fault({ kind: "webhook_lost" });
  const client = new ReveClient({ baseUrl: `${proxy.url}/api/reve` });
  const started = Date.now();
  const job = await client.run({ prompt: "nothing pushed" });
  const took = Date.now() - started;
  const service = await (await fetch(`${emu.url}/v2/jobs/${job.id}`, { headers: { "x-api-key": KEY } })).json();
  t.diagnostic(`job of ${Date.parse(service.completedAt) - Date.parse(service.createdAt)} ms: completed at the caller after ${took} ms, ${upstream.gets} upstream GETs`);
  assert.equal(job.status, "COMPLETED");
  const { deliveries } = await emu.control("webhooks", undefined, "GET");
  assert.ok(deliveries.length > 0 && deliveries.every((d) => d.status === null), "every event was lost");
  assert.ok(upstream.gets <= 10, `${upstream.gets} upstream GETs`);
});
