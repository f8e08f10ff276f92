// A route handler on the edge runtime: no compiling WebAssembly from bytes there.
import { ApiframeError, ReveClient, imageUrls } from "apiframe-reve";

export const runtime = "edge";
export const dynamic = "force-dynamic";

export async function GET() {
  let typed = false;
  try {
    new ReveClient({});
  } catch (e) {
    typed = e instanceof ApiframeError;
  }
  const reve = new ReveClient({ apiKey: "afk_local_dev", baseUrl: process.env.API, expectedDurationMs: 300 });
  const job = await reve.run({ prompt: "an edge route" });
  return Response.json({ status: job.status, images: imageUrls(job).length, typed });
}
