// downloadImages against fetch + arrayBuffer(), on one local output host in the same run: a
// 16 MiB image (a PNG signature and random bytes), served with and without Content-Length,
// interleaved rounds, medians and the ratio of total times.
//
//   node bench/download.mjs [ROUNDS=15] [MIB=16]
import { createServer } from "node:http";
import { randomBytes } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "./quantile.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const ROUNDS = Number(process.argv[2] ?? 15);
const MIB = Number(process.argv[3] ?? 16);
const image = randomBytes(MIB * 1024 * 1024);
image.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const server = createServer((req, res) => {
  const headers = { "content-type": "application/octet-stream" };
  if (!req.url.includes("chunked")) headers["content-length"] = String(image.length);
  res.writeHead(200, headers);
  res.end(image);
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const host = `http://127.0.0.1:${server.address().port}`;

const { ReveClient } = await import(join(root, "dist", "node.js"));
const client = new ReveClient({ baseUrl: host });

const ways = {
  "fetch + arrayBuffer()": async (url) => new Uint8Array(await (await fetch(url)).arrayBuffer()),
  downloadImages: async (url) => (await client.downloadImages({ id: "bench", status: "COMPLETED", result: { images: [url] } }))[0].bytes,
};

for (const path of ["/image.png", "/chunked.png"]) {
  const url = `${host}${path}`;
  const times = Object.fromEntries(Object.keys(ways).map((k) => [k, []]));
  for (const [name, way] of Object.entries(ways)) {
    const bytes = await way(url); // warm-up, and a check
    if (bytes.length !== image.length || bytes[20] !== image[20]) throw new Error(`${name}: wrong bytes`);
  }
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 ? Object.keys(ways).reverse() : Object.keys(ways);
    for (const name of order) {
      const t = performance.now();
      await ways[name](url);
      times[name].push(performance.now() - t);
    }
  }
  const total = (k) => times[k].reduce((a, b) => a + b, 0);
  const [base, ours] = Object.keys(ways);
  console.log(`${MIB} MiB ${path.includes("chunked") ? "without" : "with"} Content-Length, ${ROUNDS} rounds (Node ${process.version}):`);
  for (const k of Object.keys(ways)) console.log(`  ${k.padEnd(22)} median ${median(times[k]).toFixed(1)} ms`);
  console.log(`  ratio (total time): ${(total(ours) / total(base)).toFixed(2)}x`);
}
server.close();
