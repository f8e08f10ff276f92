// What every entry exports, listed once: the module's API, from the glue the entry has just
// initialised, and the one error class (errors.js: each entry holds a copy, and every copy
// hands out the class the first one registered).
// scripts/build.mjs bundles this into each entry; for the browser entry it resolves
// "./apiframe_reve.js" to client-only.js (the client-only module, and stand-ins for what it
// leaves out), so this one list holds there too.
export { ReveClient, createProxyHandler, imageUrls, parseWebhook, reveCapabilities, verifyWebhook } from "./apiframe_reve.js";
export { ApiframeError } from "./errors.js";
