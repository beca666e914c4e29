#!/usr/bin/env bash
# Make sure the system packages the browser tests need are present: Debian's Chromium (driven
# by Playwright; Playwright's own browser download is not used) and a font to render text.
set -euo pipefail

# PostgreSQL 15 + PostGIS 3, the store's second backend under test (tests/postgis.py): as root,
# install and start the local test cluster; otherwise the PostGIS tests say how to start it.
if [[ "${PETA_UMKM_SKIP_POSTGIS:-0}" != 1 && "$(id -u)" -eq 0 ]]; then
    bash "$(dirname "$0")/start-postgis.sh"
fi

CHROMIUM=/usr/bin/chromium
PACKAGES=(chromium fonts-dejavu-core)

if [[ -x "$CHROMIUM" ]]; then
    exit 0
fi

if [[ "$(id -u)" -ne 0 ]]; then
    echo "ensure-system-deps: $CHROMIUM is missing and this is not root." >&2
    echo "  Install it with: sudo apt-get install -y ${PACKAGES[*]}" >&2
    echo "  (the browser tests drive Debian's Chromium; Playwright's browser download is not used)" >&2
    exit 1
fi

echo "ensure-system-deps: installing ${PACKAGES[*]} ..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${PACKAGES[@]}" </dev/null
if [[ ! -x "$CHROMIUM" ]]; then
    echo "ensure-system-deps: apt-get finished but $CHROMIUM is still missing" >&2
    exit 1
fi
