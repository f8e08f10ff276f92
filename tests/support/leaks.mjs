// What calls leave behind once they have settled: listeners on their AbortSignal, timers the
// package set, and connections still open to the server they talked to.
import { createServer } from "node:http";

/** The package's own frames: a timer whose creator is here is the library's. */
const PACKAGE_FRAME = /node_modules[\\/]apiframe-reve[\\/]/;

/**
 * Counts listeners on signals: `watch(signal)` wraps that signal's add/removeEventListener (own
 * properties, so the library's calls go through them). `live` is those added and not removed.
 */
export function listenerCounter() {
  const live = [];
  let added = 0;
  return {
    watch(signal) {
      const add = signal.addEventListener.bind(signal);
      const remove = signal.removeEventListener.bind(signal);
      signal.addEventListener = (type, listener, options) => {
        added += 1;
        live.push([type, listener]);
        return add(type, listener, options);
      };
      signal.removeEventListener = (type, listener, options) => {
        const i = live.findIndex(([t, l]) => t === type && l === listener);
        if (i >= 0) live.splice(i, 1);
        return remove(type, listener, options);
      };
      return signal;
    },
    get added() { return added; },
    get live() { return live.length; },
  };
}

/**
 * Wraps `globalThis.setTimeout`/`clearTimeout` until `restore()`, counting the timers the package
 * set (by the creating stack; Node's own timers, undici's among them, are let through uncounted)
 * that have neither fired nor been cleared.
 */
export function timerCounter() {
  const { setTimeout: set, clearTimeout: clear } = globalThis;
  const pending = new Set();
  let created = 0;
  globalThis.setTimeout = function (fn, ms, ...args) {
    if (!PACKAGE_FRAME.test(new Error().stack ?? "")) return set(fn, ms, ...args);
    created += 1;
    const timer = set((...a) => {
      pending.delete(timer);
      return fn(...a);
    }, ms, ...args);
    pending.add(timer);
    return timer;
  };
  globalThis.clearTimeout = function (timer) {
    pending.delete(timer);
    return clear(timer);
  };
  return {
    get created() { return created; },
    get pending() { return pending.size; },
    restore() {
      globalThis.setTimeout = set;
      globalThis.clearTimeout = clear;
    },
  };
}

/**
 * A local HTTP server forwarding to `target` after `delayFor(req)` ms (a request whose client
 * went away is dropped, never forwarded). It counts the requests not answered yet and the
 * sockets open to it that carried a request; `settled()` closes idle keep-alive sockets, then
 * waits up to `withinMs` for both counts to reach zero and says what is left. (A socket that
 * never carried a request is a spare the client's pool opened for a request aborted before it
 * was sent; Node's closeIdleConnections leaves those, and no call owns them.)
 */
export async function startCountingServer(target, delayFor = () => 0) {
  const sockets = new Set();
  const carried = new WeakSet();
  let unanswered = 0;
  const open = () => [...sockets].filter((s) => carried.has(s)).length;
  const server = createServer((req, res) => {
    carried.add(req.socket);
    unanswered += 1;
    let gone = false;
    let wait;
    // A response closes once it is sent, or when its connection ends first.
    res.once("close", () => {
      unanswered -= 1;
      gone = true;
      clearTimeout(wait);
    });
    wait = setTimeout(async () => {
      try {
        const body = req.method === "POST" ? await text(req) : undefined;
        const headers = { ...req.headers };
        delete headers.host;
        delete headers.connection;
        const upstream = await fetch(`${target}${req.url}`, { method: req.method, headers, body });
        const bytes = Buffer.from(await upstream.arrayBuffer());
        if (gone) return;
        res.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "application/json" });
        res.end(bytes);
      } catch {
        res.destroy();
      }
    }, delayFor(req));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    get delayFor() { return delayFor; },
    set delayFor(f) { delayFor = f; },
    async settled(withinMs = 500) {
      const until = performance.now() + withinMs;
      do {
        server.closeIdleConnections();
        await new Promise((r) => setTimeout(r, 10));
      } while ((open() > 0 || unanswered > 0) && performance.now() < until);
      return { openSockets: open(), unanswered };
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

async function text(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks).toString();
}
