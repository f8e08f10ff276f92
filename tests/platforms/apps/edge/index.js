// A Vercel Edge Function (the "edge-light" condition), service-worker style as edge-runtime
// runs it: one job per request against the emulator (its URL in the API global).
import { ApiframeError, ReveClient, imageUrls } from "apiframe-reve";

addEventListener("fetch", (event) => {
  event.respondWith((async () => {
    let typed = false;
    try {
      new ReveClient({});
    } catch (e) {
      typed = e instanceof ApiframeError;
    }
    const reve = new ReveClient({ apiKey: "afk_local_dev", baseUrl: globalThis.API, expectedDurationMs: 300 });
    const job = await reve.run({ prompt: "from the edge" });
    return Response.json({ status: job.status, images: imageUrls(job).length, typed });
  })());
});
