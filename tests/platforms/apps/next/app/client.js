"use client";
// A client component: the browser entry, bundled by Next for the browser.
import { useEffect, useState } from "react";
import { ApiframeError, ReveClient, imageUrls } from "apiframe-reve";

export default function Client() {
  const [result, setResult] = useState(null);
  useEffect(() => {
    (async () => {
      const out = {};
      try {
        new ReveClient({});
      } catch (e) {
        out.typed = e instanceof ApiframeError;
      }
      try {
        const reve = new ReveClient({ baseUrl: process.env.NEXT_PUBLIC_API, apiKey: "afk_local_dev", dangerouslyAllowBrowser: true, expectedDurationMs: 300 });
        const job = await reve.run({ prompt: "a client component" });
        out.status = job.status;
        out.images = imageUrls(job).length;
      } catch (e) {
        out.error = String(e?.stack ?? e);
      }
      setResult(out);
    })();
  }, []);
  return <pre id="result" data-result={result ? JSON.stringify(result) : undefined}>{result ? JSON.stringify(result) : "running"}</pre>;
}
