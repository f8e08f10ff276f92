// A Worker as a user writes it, bundled by `wrangler deploy --dry-run`: one job per request.
import { ApiframeError, ReveClient, imageUrls } from "apiframe-reve";

export default {
  async fetch(request, env) {
    let typed = false;
    try {
      new ReveClient({});
    } catch (e) {
      typed = e instanceof ApiframeError;
    }
    const reve = new ReveClient({ apiKey: "afk_local_dev", baseUrl: env.API, expectedDurationMs: 300 });
    const job = await reve.run({ prompt: "from wrangler" });
    return Response.json({ status: job.status, images: imageUrls(job).length, typed });
  },
};
