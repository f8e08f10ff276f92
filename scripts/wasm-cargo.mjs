// How the package's wasm is compiled, for scripts/build.mjs and scripts/build-trap-module.mjs
// (the trap tests check the module built as the package's is).
//
// The standard library is built from its sources with `-Cpanic=immediate-abort`: a panic is a
// bare `unreachable` (no formatting of panic messages, no unwinding tables, no hook machinery),
// which BENCHMARKS.md measures at -12.1 KB gzipped on the browser entry. A trap is then handled
// by the glue's export guard (scripts/recoverable-glue.mjs) and `apiframe_after_trap`
// (src/wasm/trap.rs). Both flags are unstable: RUSTC_BOOTSTRAP=1 lets the pinned stable toolchain
// (rust-toolchain.toml, with its rust-src component) take them, for these builds only.

/** What `wasm-pack build ... <crate path>` passes on to cargo, after the path. */
export const cargoArgs = ["-Zbuild-std=std,panic_abort", "-Zbuild-std-features="];

/** The environment of those builds: the flags reach the wasm32 target's crates only. */
export const cargoEnv = {
  ...process.env,
  // Either would replace the target's flags below, silently: these builds set their own.
  RUSTFLAGS: undefined,
  CARGO_ENCODED_RUSTFLAGS: undefined,
  RUSTC_BOOTSTRAP: "1",
  // No panic is ever shown, so no source locations for panics are kept either (-0.4 KB). And
  // `{:?}` writes nothing (-3.5 KB with the glue's debugString): the module's messages never use
  // Debug, and where serde's texts do (a string or an array given), core::decode shows the
  // caller's value itself (`Fields::shown_at`).
  // `-Zshare-generics=n`: opt-level "z" turns generic sharing on, which makes a crate reuse the
  // instantiations its dependencies export instead of making its own that LTO can inline and
  // drop. Off: -5.6 KB gzipped on the browser entry's wasm, -8.2 KB on the whole one
  // (`node bench/size-levers.mjs`).
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS: "-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none -Zshare-generics=n",
};
