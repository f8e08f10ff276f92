// Images in hand, type-checked with `tsc --strict` against the installed package: downloads,
// the capabilities, and the AI SDK provider, whose model must be an @ai-sdk/provider
// ImageModelV3 (what generateImage of ai 6 and ai 7 accepts).
import type { ImageModelV3 } from "@ai-sdk/provider";
import { ReveClient, reveCapabilities, type AspectRatio, type DownloadedImage, type Job, type ReveCapabilities } from "apiframe-reve";
import { apiframe, createApiframe, type ApiframeImageOptions, type ApiframeProvider } from "apiframe-reve/ai";

const client = new ReveClient({ apiKey: "afk_x", headers: { "x-app": "a1", "x-skip": undefined } });

async function download(job: Job, signal: AbortSignal): Promise<Blob[]> {
  const images: DownloadedImage[] = await client.downloadImages(job, { signal, maxBytes: 10_000_000 });
  const again: Job = await client.run({ prompt: "x" }, { headers: { "x-trace": "t1" } });
  void again;
  return images.map((i) => new Blob([i.bytes as BlobPart], { type: i.mediaType }));
}

const caps: ReveCapabilities = reveCapabilities();
const ratios: AspectRatio[] = caps.aspectRatios;
const longest: number = caps.promptMaxLength;

const provider: ApiframeProvider = createApiframe({ apiKey: "afk_x", baseURL: "https://my.site/api/reve", headers: { "x-app": "a1" }, fetch: (url, init) => fetch(url, init) });
const model: ImageModelV3 = provider.image("reve-create");
const fromDefault: ImageModelV3 = apiframe.image("reve-create");
const callable: ImageModelV3 = provider("reve-create");
const options: ApiframeImageOptions = { version: "v2", webhookUrl: "https://my.site/hook", webhookEvents: ["completed"], timeoutMs: 60_000 };

function misuse(): void {
  // @ts-expect-error maxBytes is a number
  void client.downloadImages({} as Job, { maxBytes: "big" });
  // @ts-expect-error the provider's option is baseURL, as the AI SDK's providers spell it
  createApiframe({ baseUrl: "https://x" });
  // @ts-expect-error this package serves reve-create only
  provider.image("dall-e-3");
  // @ts-expect-error not a webhook event
  const bad: ApiframeImageOptions = { webhookEvents: ["done"] };
  void bad;
}

void [download, ratios, longest, model, fromDefault, callable, options, misuse];
