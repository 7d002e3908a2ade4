#!/usr/bin/env bash
# Installs the independent peers the integration tests use, when they are missing:
#   - Python `websockets` (Debian python3-websockets, for /usr/bin/python3)
#   - Python `h2` (Debian python3-h2, for /usr/bin/python3): the HTTP/2 peer of the RFC 8441 tests
#   - Node `ws` (npm, into interop/node/node_modules)
#   - Chromium and its driver (Debian chromium, chromium-driver) for the browser test of the chat page
#   - Redis (Debian redis-server, redis-tools) for the cluster tests: the tests start their own servers on ephemeral
#     ports and stop them; the Debian service the package may start is left alone (it is not used)
# A peer that cannot be installed fails the run: the tests never skip a missing peer silently.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=()
if ! /usr/bin/python3 -c 'import websockets' >/dev/null 2>&1; then
  apt_packages+=(python3-websockets)
fi
if ! /usr/bin/python3 -c 'import h2' >/dev/null 2>&1; then
  apt_packages+=(python3-h2)
fi
if [ ! -x /usr/bin/chromium ]; then
  apt_packages+=(chromium)
fi
if [ ! -x /usr/bin/chromedriver ]; then
  apt_packages+=(chromium-driver)
fi
if ! command -v redis-server >/dev/null 2>&1; then
  apt_packages+=(redis-server)
fi
if ! command -v redis-cli >/dev/null 2>&1; then
  apt_packages+=(redis-tools)
fi
if [ ${#apt_packages[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${apt_packages[*]} (run as root or install them)" >&2
    exit 1
  fi
  echo "installing Debian packages: ${apt_packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
fi

if [ -f interop/node/package.json ] && [ ! -d interop/node/node_modules/ws ]; then
  echo "installing Node peers (npm ci in interop/node)"
  (cd interop/node && npm ci --no-audit --no-fund --loglevel=error)
fi
