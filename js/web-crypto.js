// Web Crypto (the webhook verifier's HMAC and SHA-256) for Node 18, which has it only as
// node:crypto's webcrypto; 19+ has it as globalThis.crypto. The entries for older Node
// (node-compat.js, node-require.js) call this with their own way of loading node:crypto, which
// runs only on Node 18: importing node:crypto costs about a millisecond of start-up.

/** Makes `globalThis.crypto` Web Crypto, from `loadNodeCrypto()` when it is missing. */
export function provideWebCrypto(loadNodeCrypto) {
  if (globalThis.crypto?.subtle) return;
  Object.defineProperty(globalThis, "crypto", { value: loadNodeCrypto().webcrypto, configurable: true, writable: true });
}
