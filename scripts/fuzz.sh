#!/usr/bin/env bash
# Bounded fuzzing of the core's untrusted-input paths (answers, requests, webhooks, job streams, the poll
# schedule) with cargo fuzz (libFuzzer, nightly). FUZZ_SECONDS per target (default 60); memory
# capped so an unbounded allocation is a failure. The seed corpus in fuzz/corpus/ is read, not
# written: what a run finds goes to test-output/fuzz-corpus/.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${FUZZ_SECONDS:-60}
CARGO_FUZZ_VERSION=0.13.2
say() { printf '\033[1mfuzz:\033[0m %s\n' "$*"; }

if ! cargo +nightly --version >/dev/null 2>&1; then
  say "no nightly toolchain on this machine: skipped (the core's proptests ran in cargo test)"
  exit 0
fi
if ! cargo fuzz --version 2>/dev/null | grep -q " $CARGO_FUZZ_VERSION\$"; then
  say "installing cargo-fuzz $CARGO_FUZZ_VERSION from source (once)"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --force
fi

for target in responses requests webhooks poll_schedule sse_reader; do
  work="test-output/fuzz-corpus/$target"
  mkdir -p "$work"
  say "$target: ${SECONDS_PER_TARGET}s"
  log="test-output/fuzz-$target.log"
  status=0
  (cd fuzz && cargo +nightly fuzz run "$target" "../$work" "corpus/$target" -- \
    -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -malloc_limit_mb=128 -max_len=65536 \
    -print_final_stats=1) > "$log" 2>&1 || status=$?
  grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|Done )" "$log" || true
  if [ "$status" != 0 ]; then
    grep -E "panicked|ERROR|SUMMARY|Test unit written|malloc|out-of-memory" "$log" | head -20 || true
    say "$target FAILED (exit $status); full log: $log"
    exit 1
  fi
done
say "no crash, no panic, no allocation over the limits"
