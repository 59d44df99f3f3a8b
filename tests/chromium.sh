#!/usr/bin/env bash
# Debian's chromium for the tests that render pages in a real browser:
# installed when it is missing. Idempotent.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
