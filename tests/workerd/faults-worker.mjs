// Runs the fault suite's scenarios inside workerd: GET /scenario/<name>.
import { ApiframeError, ReveClient } from "apiframe-reve";
import { runScenario } from "../support/fault-scenarios.mjs";

export default {
  async fetch(request, env) {
    const name = new URL(request.url).pathname.replace("/scenario/", "");
    const logged = [];
    const original = { log: console.log, warn: console.warn, error: console.error };
    for (const level of Object.keys(original)) console[level] = (...args) => logged.push(args.map(String).join(" "));
    try {
      const result = await runScenario(name, { ReveClient, ApiframeError }, { baseUrl: env.BASE_URL, apiKey: env.API_KEY });
      return Response.json({ ...result, logged });
    } finally {
      Object.assign(console, original);
    }
  },
};
