// The one error class of apiframe-reve, shared by every entry: each entry has this module
// bundled in (scripts/build.mjs), and the class is registered under a global symbol by the first
// copy to run, so every copy (the ESM entries and the CommonJS one alike) hands out the same
// class even when an app loads several: `instanceof ApiframeError` holds whichever entry threw. The
// symbol names the release line, so two installed lines (a dependency's copy of another
// major) never share a class whose fields may differ.

/**
 * The release line of this package: its major version, and for 0.x the minor too (semver
 * treats each 0.x minor as breaking). tests/package.test.mjs checks it against package.json.
 */
const LINE = "0.1";
const REGISTERED = Symbol.for(`apiframe-reve.ApiframeError@${LINE}`);

/**
 * The one error class of apiframe-reve. `code` says what happened; `retryable`, `status`,
 * `requestId`, `details`, `jobId` and `job` say what to do next. Aborts have the name
 * "AbortError" and the signal's reason as `cause`.
 */
class ApiframeErrorClass extends Error {
  constructor(message, props = {}) {
    super(message, props.cause === undefined ? undefined : { cause: props.cause });
    Object.defineProperty(this, "name", {
      value: props.code === "aborted" ? "AbortError" : "ApiframeError",
      configurable: true,
      writable: true,
    });
    this.code = props.code ?? "server";
    this.retryable = props.retryable === true;
    for (const key of ["status", "requestId", "retryAfterMs", "details", "jobId", "job"]) {
      if (props[key] !== undefined) this[key] = props[key];
    }
  }

  toJSON() {
    const out = { name: this.name, code: this.code, message: this.message, retryable: this.retryable };
    for (const key of ["status", "requestId", "retryAfterMs", "details", "jobId"]) {
      if (this[key] !== undefined) out[key] = this[key];
    }
    return out;
  }
}

if (!globalThis[REGISTERED]) {
  Object.defineProperty(ApiframeErrorClass, "name", { value: "ApiframeError" });
  Object.defineProperty(globalThis, REGISTERED, { value: ApiframeErrorClass });
}

/** The class, as registered by whichever copy of this module ran first. */
export const ApiframeError = globalThis[REGISTERED];

/** Called from WebAssembly to raise an ApiframeError. */
export function createError(message, props) {
  return new ApiframeError(message, props);
}
