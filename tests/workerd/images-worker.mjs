// A module Worker with images in hand, as a user's would be: the AI SDK's generateImage (ai 7)
// through apiframe-reve/ai, and downloadImages. The test calls its routes.
import { generateImage } from "ai7";
import { ApiframeError, ReveClient } from "apiframe-reve";
import { createApiframe } from "apiframe-reve/ai";

globalThis.AI_SDK_LOG_WARNINGS = false;

const describe = (e) =>
  e instanceof ApiframeError
    ? { isApiframeError: true, name: e.name, code: e.code, field: e.details?.field, jobId: e.jobId, message: e.message }
    : { isApiframeError: false, message: String(e?.stack ?? e) };

const head = (bytes) => [...bytes.slice(0, 8)];

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    try {
      switch (pathname) {
        case "/generate": {
          const provider = createApiframe({ apiKey: env.APIFRAME_API_KEY, baseURL: env.APIFRAME_BASE_URL });
          const { images, warnings, providerMetadata } = await generateImage({
            model: provider.image("reve-create"),
            prompt: "A Worker's lighthouse",
            n: 2,
            size: "1920x1080",
          });
          return Response.json({
            images: images.map((i) => ({ mediaType: i.mediaType, length: i.uint8Array.length, head: head(i.uint8Array) })),
            warnings,
            meta: providerMetadata.apiframe.images,
          });
        }
        case "/bad-ratio": {
          const provider = createApiframe({ apiKey: env.APIFRAME_API_KEY, baseURL: env.APIFRAME_BASE_URL });
          await generateImage({ model: provider.image("reve-create"), prompt: "x", aspectRatio: "21:9" });
          break;
        }
        case "/download": {
          const client = new ReveClient({ apiKey: env.APIFRAME_API_KEY, baseUrl: env.APIFRAME_BASE_URL, expectedDurationMs: 400 });
          const job = await client.run({ prompt: "downloaded in a Worker", reveParams: { aspect_ratio: "1:1" } });
          const images = await client.downloadImages(job);
          return Response.json(images.map((i) => ({ url: i.url, mediaType: i.mediaType, length: i.bytes.length, head: head(i.bytes) })));
        }
      }
      return new Response("no such route", { status: 404 });
    } catch (e) {
      return Response.json(describe(e), { status: 500 });
    }
  },
};
