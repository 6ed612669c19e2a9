#!/usr/bin/env bash
# Installs the Debian packages the portal needs where they are missing: WeasyPrint's Pango stack,
# HarfBuzz's subsetter (fast CJK font subsetting), a Simplified Chinese font, gettext (compilemessages),
# with --browser, Chromium for the end-to-end tests, and with --bench, wrk (the load generator of
# `make bench`) and Chromium (its browser figures). As root it uses apt-get; otherwise it names what is missing.
set -euo pipefail

packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext)
if [[ "${1:-}" == "--browser" ]]; then
  # libatomic1: the Node driver bundled in the Playwright wheel needs it; minimal Debian lacks it.
  # openssl: the suite runs the certification package's VERIFY.txt commands as an auditor would.
  packages+=(chromium libatomic1 openssl)
fi
if [[ "${1:-}" == "--bench" ]]; then
  # Chromium: bench/bench_browser.py times "rating → saved" in a real browser.
  packages+=(wrk chromium libatomic1)
fi

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    SUDO=sudo
  else
    echo "Missing system packages: ${missing[*]}" >&2
    echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
else
  SUDO=
fi

echo "Installing system packages: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
