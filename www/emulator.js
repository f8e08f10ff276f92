// The local emulator's own routes (/__emulator/...): its counters, its fault queue and its
// webhook log. Off the emulator (through a proxy) there are none, and these say so.
import { connection } from "./settings.js";

/** The emulator's stats ({stats, accounts, jobMs, ...}), or null off the emulator. */
export async function emulatorStats() {
  if (connection().mode !== "emulator") return null;
  try {
    return await (await fetch("/__emulator/stats")).json();
  } catch {
    return null;
  }
}

/** Queues a fault ({kind, count, route?, retryAfter?, delayMs?}); resolves the answer. */
export function queueFault(fault) {
  return fetch("/__emulator/faults", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(fault) });
}

/** The webhook deliveries the emulator made for job `jobId` ([] when there is no log). */
export async function deliveries(jobId) {
  try {
    return (await (await fetch("/__emulator/webhooks")).json()).deliveries.filter((d) => d.jobId === jobId);
  } catch {
    return [];
  }
}
