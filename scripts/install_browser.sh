#!/usr/bin/env bash
# Installs what the browser test of the widgets needs: Debian's `chromium` (+ `chromium-driver`), driven by Python
# playwright with executable_path=/usr/bin/chromium (no browser download). Idempotent. Never fails the caller:
# when it cannot install (not root, no apt-get, no network), it prints why and exits 0, and the browser test skips.
set -u
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  echo "install_browser: chromium already installed ($(command -v chromium || echo /usr/bin/chromium))"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install_browser: no apt-get on this machine; install Chromium by hand (the browser test will skip)"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install_browser: not root, cannot apt-get install chromium; run: sudo apt-get install chromium chromium-driver"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-get update -qq >/dev/null 2>&1; then
  echo "install_browser: apt-get update failed (no network to the Debian mirror?); the browser test will skip"
  exit 0
fi
if ! apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core >/dev/null 2>&1; then
  echo "install_browser: apt-get install chromium chromium-driver failed; the browser test will skip"
  exit 0
fi
echo "install_browser: installed $(chromium --version 2>/dev/null || echo chromium)"
