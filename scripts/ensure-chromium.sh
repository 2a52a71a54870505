#!/usr/bin/env bash
# Browser tests drive Debian's Chromium through Playwright. Install it when missing.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
echo "Chromium is missing; installing Debian's chromium package..."
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
[ -x /usr/bin/chromium ] || { echo "ERROR: could not install Chromium (/usr/bin/chromium); browser tests cannot run." >&2; exit 1; }
