// A module Web Worker using the package: no window, no document. The package's entry awaits
// its module at import, so this worker says when it is ready for messages.
import { ApiframeError, ReveClient, imageUrls } from "/pkg/dist/browser.js";

self.onmessage = async ({ data: { api, key } }) => {
  try {
    // A worker is as much the visitor's as its page: a key here throws unless allowed.
    let guard = null;
    try {
      new ReveClient({ apiKey: key, baseUrl: api });
    } catch (e) {
      guard = { isApiframeError: e instanceof ApiframeError, code: e.code, field: e.details?.field, message: e.message };
    }
    const client = new ReveClient({ apiKey: key, baseUrl: api, expectedDurationMs: 400, dangerouslyAllowBrowser: true });
    const progress = [];
    const job = await client.run(
      { prompt: "in a worker", reveParams: { aspect_ratio: "9:16", seed: 4 } },
      { onProgress: (j) => progress.push(j.status) },
    );
    let invalid = null;
    try {
      await client.generate({ prompt: "x", reveParams: { aspect_ratio: "2:1" } });
    } catch (e) {
      invalid = { isApiframeError: e instanceof ApiframeError, code: e.code, field: e.details?.field };
    }
    const ac = new AbortController();
    const pending = client.run({ prompt: "to abort" }, { signal: ac.signal });
    ac.abort();
    let aborted = null;
    try { await pending; } catch (e) { aborted = { name: e.name, code: e.code }; }
    self.postMessage({ ok: true, guard, status: job.status, urls: imageUrls(job), progress, invalid, aborted });
  } catch (e) {
    self.postMessage({ ok: false, error: `${e?.code}: ${e?.message ?? e}` });
  }
};

self.postMessage({ ready: true });
