// The module's bytes in Node: beside the entry (`new URL(…, import.meta.url)`, which bundlers
// that build for servers copy and rewrite). When a server bundler rewrites that URL into a
// public path instead of a file (Next.js with Turbopack), the file the package ships is read
// from the app's node_modules.
export function wasmBytes(url, readFileSync, createRequire) {
  if (url.protocol === "file:") return readFileSync(url);
  const manifest = createRequire(`${process.cwd()}/`).resolve("apiframe-reve/package.json");
  return readFileSync(`${manifest.slice(0, -"package.json".length)}dist/apiframe_reve_bg.wasm`);
}
