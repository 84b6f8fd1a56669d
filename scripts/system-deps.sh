#!/usr/bin/env bash
# Debian packages the project uses outside Python, installed only when missing:
#   fonts-wqy-microhei  Chinese labels in the comparison and eval charts
#   chromium            the browser the web-app tests drive through Playwright
# Usage: scripts/system-deps.sh [--browser]. Without root or apt-get it says what to
# install by hand; with --browser a missing Chromium is an error (the tests need it).
set -euo pipefail

want=(fonts-wqy-microhei)
[[ "${1:-}" == "--browser" ]] && want+=(chromium)

missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
((${#missing[@]} == 0)) && exit 0

if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  printf '==> installing Debian packages: %s\n' "${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  # A fresh machine may have no package lists yet; refresh them only if the install fails.
  apt-get install -y -q "${missing[@]}" >/dev/null \
    || { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; }
  exit 0
fi

msg="missing Debian packages: ${missing[*]} (install with: sudo apt-get install ${missing[*]})"
if [[ " ${missing[*]} " == *" chromium "* ]]; then
  echo "error: $msg; the browser tests need /usr/bin/chromium" >&2
  exit 1
fi
echo "warning: $msg; charts will fall back to ASCII labels" >&2
