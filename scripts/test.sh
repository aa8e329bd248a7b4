#!/usr/bin/env bash
# Install everything the tests need (.venv with requirements-dev.txt, Debian's
# chromium for the browser tests) and run the whole pytest suite.
# Extra arguments go to pytest, e.g. scripts/test.sh -m "not browser" -x
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/_common.sh
source scripts/_common.sh

export DEBIAN_FRONTEND=noninteractive
ensure_venv requirements-dev.txt requirements.txt

if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
        die "The browser tests need Debian's chromium at /usr/bin/chromium. Run 'apt-get install -y chromium' as root, then run this again."
    fi
    apt_install chromium ||
        die "Could not install chromium with apt-get. Install it yourself ('sudo apt-get install -y chromium') so that /usr/bin/chromium exists, then run this again."
    [ -x /usr/bin/chromium ] || die "chromium was installed but /usr/bin/chromium is still missing."
fi

exec .venv/bin/python -m pytest "$@"
