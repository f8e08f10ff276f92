// The module's bytes in Node, read synchronously: from `url`, the entry's
// `new URL("./apiframe_reve_bg.wasm", import.meta.url)`, which bundlers that build for servers
// copy and rewrite. A server bundler may rewrite that URL into a public path instead of a file
// (Next.js with Turbopack does, for route handlers); its `import.meta.url` is still the file
// URL of the module it bundled (this package's dist/<entry>.js), so the file the package ships
// beside that entry is read: the entry's own copy, wherever the process was started.

/** The bytes of apiframe_reve_bg.wasm; `entryUrl` is the entry's `import.meta.url`. */
export function wasmBytes(url, entryUrl, readFileSync) {
  if (url.protocol === "file:") return readFileSync(url);
  const entry = String(entryUrl);
  if (!entry.startsWith("file:")) {
    throw new Error(`apiframe-reve cannot read its WebAssembly module: a bundler made its URL ${url.href} and the entry's ${entry}, neither a file; leave apiframe-reve out of the server bundle (an external package)`);
  }
  // One argument, not `new URL(name, base)`: bundlers rewrite that form into an asset again.
  return readFileSync(new URL(`${entry.slice(0, entry.lastIndexOf("/") + 1)}apiframe_reve_bg.wasm`));
}
