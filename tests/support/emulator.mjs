// Starts the real apiframe-emulator binary on a free port for a test, and steers it.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

export const KEY = "afk_local_dev";

const binary = () => {
  const bin = process.env.APIFRAME_EMULATOR;
  if (!bin) throw new Error("APIFRAME_EMULATOR is not set: run the tests through `npm test`");
  return bin;
};

/** @returns {Promise<Emulator>} */
export async function startEmulator(args = []) {
  const child = spawn(binary(), ["--port", "0", ...args], { stdio: ["ignore", "pipe", "inherit"] });
  const line = await new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.once("line", (l) => { rl.close(); resolve(l); });
    child.once("exit", (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  const url = line.replace(/^listening on /, "");
  return new Emulator(child, url);
}

class Emulator {
  constructor(child, url) {
    this.child = child;
    this.url = url;
  }

  async control(path, body, method = "POST") {
    const res = await fetch(`${this.url}/__emulator/${path}`, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`emulator control ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  }

  /** Queues a fault: {kind, count?, route?, retryAfter?, delayMs?}. */
  fault(spec) {
    return this.control("faults", spec);
  }

  async stats() {
    return (await fetch(`${this.url}/__emulator/stats`)).json();
  }

  reset() {
    return this.control("reset", {});
  }

  async stop() {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once("exit", r));
    this.child.kill("SIGTERM");
    await exited;
  }
}

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(bytes) {
  const b = new Uint8Array(bytes);
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!sig.every((v, i) => b[i] === v)) throw new Error("not a PNG");
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
