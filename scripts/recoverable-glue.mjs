// What wasm-bindgen's reinit (`schedule_reinit()`, called by the panic hook in src/wasm/trap.rs)
// leaves undone, patched into its glue: each patch names the text it expects and fails the
// build when wasm-bindgen's output changes, so a new version is looked at, not silently missed.
//
// After a trap, callbacks of the dead instance still arrive (a timer, a fetch's answer, an abort
// listener). wasm-bindgen's closure wrappers would throw for them once the instance was replaced
// ("Cannot invoke closure from previous WASM instance": an uncaught exception, which ends a Node
// process), and one arriving before the replacement would trigger it and then run the dead
// closure's pointers in the fresh instance. A trap inside a callback (a panic in an async task)
// would escape to the host as a RuntimeError. And a client made before the trap would throw a
// plain Error. Patched: a dead instance's callback does nothing; a trap inside a callback ends
// quietly once the panic hook has rejected the calls in flight; a stale object throws a typed
// ApiframeError that says to make a new one.

const patches = [
  {
    what: "a closure of a replaced (or trapped) instance does nothing",
    count: (glue) => count(glue, "function makeClosure(") + count(glue, "function makeMutClosure("),
    from: /if \(state\.instance !== __wbg_instance_id\) \{\s*throw new Error\('Cannot invoke closure from previous WASM instance'\);\s*\}/g,
    to: "if (state.instance !== __wbg_instance_id || __wbg_reinit_scheduled) { return; }",
  },
  {
    what: "a trap inside a mutable closure ends quietly once reinit is scheduled",
    count: (glue) => count(glue, "function makeMutClosure("),
    from: /try \{\s*return f\(a, state\.b, \.\.\.args\);\s*\} finally \{\s*state\.a = a;\s*real\._wbg_cb_unref\(\);\s*\}/g,
    to: "try { return f(a, state.b, ...args); } catch (e) { if (__wbg_reinit_scheduled && e instanceof WebAssembly.RuntimeError) return; throw e; } finally { if (!__wbg_reinit_scheduled) { state.a = a; real._wbg_cb_unref(); } }",
  },
  {
    what: "a trap inside a shared closure ends quietly once reinit is scheduled",
    count: (glue) => count(glue, "function makeClosure("),
    from: /try \{\s*return f\(state\.a, state\.b, \.\.\.args\);\s*\} finally \{\s*real\._wbg_cb_unref\(\);\s*\}/g,
    to: "try { return f(state.a, state.b, ...args); } catch (e) { if (__wbg_reinit_scheduled && e instanceof WebAssembly.RuntimeError) return; throw e; } finally { if (!__wbg_reinit_scheduled) real._wbg_cb_unref(); }",
  },
  {
    what: "an object made before the trap throws a typed error",
    count: (glue) => Math.max(1, count(glue, "__wbg_inst !== __wbg_instance_id")),
    from: /throw new Error\('Invalid stale object from previous Wasm instance'\);/g,
    to: "throw createError('this object was made before apiframe-reve recovered from an internal error (a bug in the library: please report it); make a new one, e.g. new ReveClient(...)', { code: 'internal' });",
  },
];

const count = (text, needle) => text.split(needle).length - 1;

/** The glue with every patch applied; throws naming the first that did not match as expected
 * (each is expected once per closure maker, or per stale-object check, the glue has). */
export function makeRecoverable(glue, file) {
  if (!glue.includes("import { createError } from './errors.js'")) throw new Error(`${file}: the glue no longer imports createError from ./errors.js`);
  if (!glue.includes("let __wbg_reinit_scheduled")) throw new Error(`${file}: no reinit machinery in the glue (is schedule_reinit still called?)`);
  for (const p of patches) {
    const expected = p.count(glue);
    const found = glue.match(p.from)?.length ?? 0;
    if (found !== expected) {
      throw new Error(`${file}: expected ${expected} of wasm-bindgen's code for "${p.what}", found ${found}: check its reinit output`);
    }
    glue = glue.replace(p.from, p.to);
  }
  return glue;
}
