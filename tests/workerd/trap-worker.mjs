// A module Worker on the debug module with the test-only trap exports: a trap while calls are
// in flight, inside the isolate. The test calls /trap and then /after (the same isolate).
// "apiframe-reve" and "apiframe-reve-errors" are aliased to the debug module and its errors.js.
import wasmModule from "./trap_bg.wasm";
import { initSync, ReveClient, __trapForTests, __trapLaterForTests } from "apiframe-reve";
import { ApiframeError } from "apiframe-reve-errors";

let ready = false;
let oldClient;
const internal = (e) => e instanceof ApiframeError && e.code === "internal";

export default {
  async fetch(request, env) {
    if (!ready) {
      initSync({ module: wasmModule });
      ready = true;
    }
    const { pathname } = new URL(request.url);
    const make = () => new ReveClient({ apiKey: env.APIFRAME_API_KEY, baseUrl: env.APIFRAME_BASE_URL, expectedDurationMs: 60_000 });
    if (pathname === "/trap" || pathname === "/trap-later") {
      const client = make();
      await client.listJobs({ limit: 1 });
      const running = client.run({ prompt: "a long job" }).then(() => "resolved", (e) => e);
      await new Promise((r) => setTimeout(r, 200));
      let threw = null;
      let trapping = Promise.resolve("none");
      if (pathname === "/trap") {
        try {
          __trapForTests();
        } catch (e) {
          threw = e instanceof WebAssembly.RuntimeError;
        }
      } else {
        trapping = __trapLaterForTests(10).then(() => "resolved", (e) => e);
      }
      const [inFlight, trapped] = await Promise.all([running, trapping]);
      oldClient = client;
      const jobs = (await make().listJobs({ limit: 1 })).jobs;
      return Response.json({ threw, inFlight: internal(inFlight), trapped: pathname === "/trap" || internal(trapped), nextCallWorks: Array.isArray(jobs) });
    }
    if (pathname === "/after") {
      // The dead instance's answers and timers have arrived meanwhile; the isolate still serves.
      await new Promise((r) => setTimeout(r, 1000));
      let stale = null;
      try {
        oldClient.listJobs();
      } catch (e) {
        stale = internal(e) && /make a new one/.test(e.message);
      }
      return Response.json({ stale, works: Array.isArray((await make().listJobs({ limit: 1 })).jobs) });
    }
    return new Response("no such route", { status: 404 });
  },
};
