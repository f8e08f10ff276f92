// The proxy on hostile submissions: how long createProxyHandler takes to answer a body of
// N keys (all unknown but `prompt`), parsed by the host and refused at the first unknown
// name. The upstream is never called (a fetch that throws stands in for it).
//
//   npm run build && node bench/proxy-keys.mjs [runs=7]
import { createProxyHandler } from "../dist/node.js";
import { median } from "./quantile.mjs";

const runs = Number(process.argv[2] ?? 7);
const handler = createProxyHandler({
  apiKey: "afk_bench",
  upstream: "http://127.0.0.1:9",
  maxBodyBytes: 1 << 20,
  allowAnonymous: true,
  fetch: () => { throw new Error("the upstream must not be called"); },
});

console.log("| keys | body | status | median | min |");
console.log("|---:|---:|---:|---:|---:|");
for (const n of [1_000, 20_000, 60_000]) {
  const body = JSON.stringify({ prompt: "x", ...Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i])) });
  const times = [];
  let status;
  for (let i = 0; i < runs; i++) {
    const request = new Request("http://proxy.bench/v2/images/generate", { method: "POST", body });
    const t = performance.now();
    const res = await handler(request);
    await res.text();
    times.push(performance.now() - t);
    status = res.status;
  }
  console.log(`| ${n.toLocaleString("en")} | ${(body.length / 1024).toFixed(0)} KB | ${status} | ${median(times).toFixed(1)} ms | ${Math.min(...times).toFixed(1)} ms |`);
}
