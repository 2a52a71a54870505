#!/usr/bin/env bash
# The reverse-proxy tests start a real nginx in front of `heard serve`. Install it when missing.
set -euo pipefail
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then exit 0; fi
echo "nginx is missing; installing Debian's nginx-light package..."
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
$SUDO apt-get update -qq
# The package starts a system nginx on port 80; the tests run their own, so stop it again.
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nginx-light >/dev/null
$SUDO service nginx stop >/dev/null 2>&1 || true
[ -x /usr/sbin/nginx ] || { echo "ERROR: could not install nginx (/usr/sbin/nginx); the proxy tests cannot run." >&2; exit 1; }
