// A module Worker that uses the package, as a user's Worker would. The test calls its routes.
import { ApiframeError, ReveClient, imageUrls } from "apiframe-reve";

const describe = (e) =>
  e instanceof ApiframeError
    ? { isApiframeError: true, name: e.name, code: e.code, status: e.status, field: e.details?.field, jobId: e.jobId, retryable: e.retryable }
    : { isApiframeError: false, message: String(e) };

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    const client = new ReveClient({ apiKey: env.APIFRAME_API_KEY, baseUrl: env.APIFRAME_BASE_URL, expectedDurationMs: 400, maxRetries: 2 });
    try {
      switch (pathname) {
        case "/run": {
          const statuses = [];
          const job = await client.run(
            { prompt: "An event flyer", reveParams: { aspect_ratio: "3:2", seed: 2 } },
            { onProgress: (j) => statuses.push(j.status) },
          );
          return Response.json({ status: job.status, urls: imageUrls(job), statuses });
        }
        case "/invalid":
          await client.generate({ prompt: "x", webhookEvents: ["nope"] });
          break;
        case "/list":
          return Response.json(await client.listJobs({ limit: 5 }));
        case "/abort": {
          const ac = new AbortController();
          const pending = client.run({ prompt: "abort me" }, { signal: ac.signal });
          await new Promise((r) => setTimeout(r, 200));
          ac.abort();
          await pending;
          break;
        }
      }
      return new Response("no such route", { status: 404 });
    } catch (e) {
      return Response.json(describe(e), { status: 500 });
    }
  },
};
