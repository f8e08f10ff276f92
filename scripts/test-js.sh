#!/usr/bin/env bash
# A quick loop for one feature: builds the package (release wasm), packs it, installs the tarball
# into test-output/consumer as npm test does, and runs only the JS suites named.
#   bash scripts/test-js.sh tests/cli.test.mjs [tests/many.test.mjs ...]
#   NO_BUILD=1 bash scripts/test-js.sh ...   reuses dist/ as it is
# npm test (scripts/test.sh) stays the one that runs everything.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
[ "$#" -gt 0 ] || { echo "usage: bash scripts/test-js.sh tests/NAME.test.mjs ..." >&2; exit 2; }
[ -n "${NO_BUILD:-}" ] || node scripts/build.mjs
case "$*" in *trap*) node scripts/build-trap-module.mjs test-output/trap ;; esac
rm -rf test-output/consumer && mkdir -p test-output/consumer
rm -f test-output/apiframe-reve-*.tgz
TARBALL=$(npm pack --silent --pack-destination test-output | tail -1)
cp -r tests test-output/consumer/tests
cp -r examples test-output/consumer/examples
echo '{ "name": "consumer", "private": true, "type": "module" }' > test-output/consumer/package.json
AI_SDK_PACKAGES="ai6@npm:ai@6.0.326 ai7@npm:ai@7.0.173 @ai-sdk/provider@3.0.19 @types/json-schema@7.0.15"
# The Redis client of examples/redis-job-records.mjs (tests/proxy-redis.test.mjs).
TEST_PACKAGES="ioredis@6.1.0"
(cd test-output/consumer && npm install --no-audit --no-fund --silent --engine-strict=false "../$TARBALL" $AI_SDK_PACKAGES $TEST_PACKAGES)
cargo build -p apiframe-emulator --locked --quiet
export APIFRAME_EMULATOR="$ROOT/target/debug/apiframe-emulator" TEST_OUTPUT="$ROOT/test-output"
cd test-output/consumer
node --test --test-reporter=spec --test-timeout=180000 "$@"
