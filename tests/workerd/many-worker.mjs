// A module Worker making many images at once, as a user's would: runMany (whose submissions
// and polls share the client's rate-limit gate) and watchJob. The test calls its routes.
import { ReveClient } from "apiframe-reve";

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    // The client's fetch notes when each request left and when a 429 came back.
    const log = [];
    const fetchLogged = async (url, init) => {
      const entry = { url, sentAt: performance.now() };
      log.push(entry);
      const res = await fetch(url, init);
      Object.assign(entry, { status: res.status, answeredAt: performance.now(), retryAfterMs: Number(res.headers.get("retry-after") ?? 0) * 1000 });
      return res;
    };
    const client = new ReveClient({ apiKey: env.APIFRAME_API_KEY, baseUrl: env.APIFRAME_BASE_URL, expectedDurationMs: 400, fetch: fetchLogged });
    switch (pathname) {
      case "/many": {
        const results = await client.runMany(
          Array.from({ length: 5 }, (_, i) => ({ prompt: `storyboard panel ${i + 1}` })).concat([{ prompt: "" }]),
          { concurrency: 3 },
        );
        return Response.json({
          results: results.map((r) => (r.status === "fulfilled" ? { status: r.status, job: r.value.status } : { status: r.status, code: r.reason.code })),
          log,
        });
      }
      case "/watch": {
        const { jobId } = await client.generate({ prompt: "watched in a Worker" });
        const seen = [];
        for await (const job of client.watchJob(jobId)) seen.push(job.status);
        return Response.json({ seen });
      }
    }
    return new Response("no such route", { status: 404 });
  },
};
