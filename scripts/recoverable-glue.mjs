// How the module survives its own trap, in wasm-bindgen's glue: each patch names the text it
// expects and fails the build when wasm-bindgen's output changes, so a new version is looked at,
// not silently missed.
//
// The package is built with `-Cpanic=immediate-abort`: a panic (a bug) is a bare trap, with no
// panic hook to run first. wasm-bindgen's own abort handler (`--force-enable-abort-handler`)
// would catch it, but only with wasm exception handling (`try_table`), which Node 18 and 20 do
// not have. So every call into the module goes through a guard: a trap surfacing from any export
// (the API's calls, and the closure invokers that timers, fetch answers and listeners enter by)
// runs the module's `apiframe_after_trap` once, in the trapped instance (src/wasm/trap.rs: it
// rejects the calls in flight and schedules wasm-bindgen's reinit), when the outermost call into
// the module ends, before the trap goes on up.
//
// After a trap, callbacks of the dead instance still arrive (a timer, a fetch's answer, an abort
// listener). wasm-bindgen's closure wrappers would throw for them once the instance was replaced
// ("Cannot invoke closure from previous WASM instance": an uncaught exception, which ends a Node
// process), and one arriving before the replacement would trigger it and then run the dead
// closure's pointers in the fresh instance. A trap inside a callback (a panic in an async task)
// would escape to the host as a RuntimeError. And a client made before the trap would throw a
// plain Error. Patched: a dead instance's callback does nothing; a trap inside a callback ends
// quietly once the guard has run the after-trap handling; a stale object throws a typed
// ApiframeError that says to make a new one.

/** The guard, put beside wasm-bindgen's `__wbg_reinit_scheduled` (whose value it reads). The
 * after-trap handling runs once the outermost call into the module has ended (a trap deep in a
 * callback unwinds every frame of the module above it first), with the module's stack pointer
 * given back to where it stands between calls: a trap leaves it where it struck, and a stack
 * overflow leaves it past the stack's end, where the handling itself would trap. */
const guard = `
function guardExports(exports) {
    const guarded = {};
    const stack = exports.__wbindgen_add_to_stack_pointer;
    const top = stack ? stack(0) : 0;
    let depth = 0;
    let trapped = false;
    const afterTrap = () => {
        trapped = false;
        if (__wbg_reinit_scheduled) return;
        try {
            if (stack) stack(top - stack(0));
            exports.apiframe_after_trap();
        } catch (_) { /* the reinit below still happens */ }
        __wbg_reinit_scheduled = true;
    };
    for (const name of Object.keys(exports)) {
        const f = exports[name];
        guarded[name] = typeof f !== 'function' || name === 'apiframe_after_trap' ? f : (...args) => {
            depth++;
            try { return f(...args); } catch (e) {
                if (e instanceof WebAssembly.RuntimeError) trapped = true;
                throw e;
            } finally {
                if (--depth === 0 && trapped) afterTrap();
            }
        };
    }
    return guarded;
}
`;

const patches = [
  {
    what: "the guard on every export",
    count: () => 1,
    from: /^let __wbg_reinit_scheduled = false;$/gm,
    to: `let __wbg_reinit_scheduled = false;\n${guard}`,
  },
  {
    what: "the module's exports are guarded when it is first instantiated",
    count: () => 1,
    from: /\bwasm = instance\.exports;/g,
    to: "wasm = guardExports(instance.exports);",
  },
  {
    what: "and when wasm-bindgen's reinit instantiates it again",
    count: () => 1,
    from: /\bwasm = wasmInstance\.exports;/g,
    to: "wasm = guardExports(wasmInstance.exports);",
  },
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
    // wasm-bindgen reserves a call's return slot on the module's stack before its reinit guard
    // runs, so the first call after a trap took the slot from the dead instance's stack and gave
    // it back to the fresh one's, moving that stack's pointer into the module's data (the names
    // in its messages came out as garbage). The guard goes first: slot and call, one instance.
    what: "the reinit guard runs before a return slot is reserved",
    count: (glue) => count(glue, "wasm.__wbindgen_add_to_stack_pointer(-16)"),
    from: /const retptr = wasm\.__wbindgen_add_to_stack_pointer\(-16\);\s*__wbg_call_guard\(\);/g,
    to: "__wbg_call_guard();\nconst retptr = wasm.__wbindgen_add_to_stack_pointer(-16);",
  },
  {
    // A method with a return slot checks for a stale object inside the `try` whose `finally`
    // gives the slot back: the stale throw gave back a slot never taken. The check goes first.
    what: "a stale object is refused before a return slot is reserved",
    count: (glue) => count(glue, "(retptr, this.__wbg_ptr"),
    from: /try \{(\s*if \(this\.__wbg_inst !== undefined && this\.__wbg_inst !== __wbg_instance_id\) \{\s*throw new Error\('Invalid stale object from previous Wasm instance'\);\s*\})(\s*__wbg_call_guard\(\);\s*const retptr)/g,
    to: "$1\ntry {$2",
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
