// Run by tests/deno.test.mjs under Deno, with read access to this project only and network
// access to the emulator only: the client's calls one by one, its typed errors, an abort, a
// download and the exports that need no network. Prints one JSON line for the test to check.
import { ApiframeError, ReveClient, imageUrls, reveCapabilities, verifyWebhook } from "apiframe-reve";

const [baseUrl, apiKey] = Deno.args;
const out = { entry: import.meta.resolve("apiframe-reve") };
const client = new ReveClient({ apiKey, baseUrl, expectedDurationMs: 300 });
const errorOf = async (promise) => {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
};
const hex = async (bytes) => [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");

const accepted = await client.generate({ prompt: "in Deno", reveParams: { aspect_ratio: "4:3", seed: 2 } });
const seen = [];
const job = await client.waitForJob(accepted.jobId, { onProgress: (j) => seen.push(j.status) });
const again = await client.getJob(accepted.jobId);
const page = await client.listJobs({ limit: 5 });
out.accepted = accepted;
out.waited = { id: job.id, status: job.status, lastSeen: seen.at(-1), reveParams: job.input.reveParams };
out.got = { id: again.id, status: again.status };
out.listed = page.jobs.map((j) => j.id);
out.urls = imageUrls(job);

const images = await client.downloadImages(job);
out.downloads = await Promise.all(images.map(async ({ url, bytes, mediaType }) => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    url,
    mediaType,
    isUint8Array: bytes instanceof Uint8Array,
    signature: [...bytes.subarray(0, 8)],
    size: [view.getUint32(16), view.getUint32(20)],
    sha256: await hex(bytes),
  };
}));

const invalid = await errorOf(client.generate({ prompt: "x", reveParams: { aspect_ratio: "7:5" } }));
out.invalid = { isApiframeError: invalid instanceof ApiframeError, isError: invalid instanceof Error, code: invalid.code, field: invalid.details?.field, allowed: invalid.details?.allowed };

// Aborted at its first look at the job: the submission was billed, so the error names the job.
const ac = new AbortController();
const aborted = await errorOf(client.run({ prompt: "aborted in Deno" }, { signal: ac.signal, onProgress: () => ac.abort("stopped in Deno") }));
out.aborted = { isApiframeError: aborted instanceof ApiframeError, name: aborted.name, code: aborted.code, cause: aborted.cause, jobId: aborted.jobId };
out.abortedJob = aborted.jobId ? (await client.getJob(aborted.jobId)).id : null;

out.capabilities = reveCapabilities();
out.verified = await verifyWebhook({ apiKey: "afk_local_dev", body: "{}", signature: "sha256=7945c58a3185015aece7682cf1cf8b397c92e24d48f736a1720e9ee7f7bd7983" });
console.log(JSON.stringify(out));
