// The client's own cost per call, without a network: `getJob` through a caller's fetch that
// answers at once, against the same fetch + JSON.parse by hand. Two alternating passes of
// 20,000 calls each (after 2,000 to warm up); wall and this process's CPU time per call.
//
//   npm run build && node bench/client-cpu.mjs
import { ReveClient } from "../dist/node.js";

const id = "1edc7774-0b17-4480-adb7-6ce0e8889738";
const body = JSON.stringify({ id, status: "COMPLETED", progress: 100 });
const answer = async () => new Response(body, { status: 200, headers: { "content-type": "application/json" } });
const client = new ReveClient({ apiKey: "afk_bench", baseUrl: "http://127.0.0.1:9", fetch: answer });
const loops = {
  "fetch + JSON.parse": async () => JSON.parse(await (await answer()).text()),
  "apiframe-reve getJob": () => client.getJob(id),
};
console.log("| pass | loop | wall µs/call | CPU µs/call |");
console.log("|---:|---|---:|---:|");
for (const pass of [1, 2]) {
  for (const [name, call] of Object.entries(loops)) {
    for (let i = 0; i < 2000; i++) await call();
    const t = performance.now();
    const cpu = process.cpuUsage();
    for (let i = 0; i < 20000; i++) await call();
    const used = process.cpuUsage(cpu);
    console.log(`| ${pass} | ${name} | ${((performance.now() - t) / 20).toFixed(1)} | ${((used.user + used.system) / 20000).toFixed(1)} |`);
  }
}
