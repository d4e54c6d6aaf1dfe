#!/usr/bin/env bash
# Install the Debian packages the suite needs, when missing: Chromium for browser tests,
# a CJK font for readable screenshots, PostgreSQL binaries for the PostgreSQL half.
# Needs root and apt-get; elsewhere it only says what is missing.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk" || need+=(fonts-wqy-zenhei)
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  need+=(postgresql)
fi
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
else
  echo "missing system packages (install with apt-get as root): ${need[*]}" >&2
fi
