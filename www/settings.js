// The connection setting: the local emulator (its public test key) or a proxy that keeps the
// key, saved in localStorage. The proxy is chosen here, never from the address bar: a link
// must not be able to send your prompts to a proxy of its choosing.
const $ = (id) => document.getElementById(id);
const SETTINGS_KEY = "apiframe-reve-demo:connection";

/** The connection chosen: {mode: "emulator" | "proxy", proxyUrl}. */
export function connection() {
  const mode = document.querySelector("input[name=mode]:checked").value;
  return { mode, proxyUrl: $("proxy-url").value.trim() };
}

/** Saves the connection chosen and shows what follows from it. */
export function saveConnection() {
  const { mode, proxyUrl } = connection();
  localStorage.setItem(SETTINGS_KEY, JSON.stringify({ mode, proxyUrl }));
  $("connection-label").textContent = mode === "proxy" ? `proxy ${proxyUrl || "(set its URL)"}` : "local emulator";
  $("failures").hidden = mode !== "emulator";
  // The emulator's own receiver accepts every delivery: a webhook URL to try without a server.
  $("webhook").placeholder = mode === "emulator" ? `${location.origin}/__emulator/sink` : "https://example.com/hooks/reve";
}

/** Restores the saved connection. */
export function loadConnection() {
  try {
    const saved = JSON.parse(localStorage.getItem(SETTINGS_KEY) ?? "null");
    if (saved?.mode === "proxy") document.querySelector("input[name=mode][value=proxy]").checked = true;
    if (saved?.proxyUrl) $("proxy-url").value = saved.proxyUrl;
  } catch { /* a bad saved value means defaults */ }
  // `npm start` runs the example proxy on the port after the page's.
  if (!$("proxy-url").value && location.port) {
    $("proxy-url").value = `${location.protocol}//${location.hostname}:${Number(location.port) + 1}/api/reve`;
  }
  saveConnection();
}
