// Middleware runs on the edge runtime too: here it answers /mw itself with a job's outcome.
import { NextResponse } from "next/server";
import { ReveClient, imageUrls } from "apiframe-reve";

export const config = { matcher: "/mw" };

export async function middleware() {
  const reve = new ReveClient({ apiKey: "afk_local_dev", baseUrl: process.env.API, expectedDurationMs: 300 });
  const job = await reve.run({ prompt: "middleware" });
  return NextResponse.json({ status: job.status, images: imageUrls(job).length });
}
