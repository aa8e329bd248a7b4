#!/usr/bin/env bash
# Install HeyGen Studio's dependencies into .venv (when needed) and start the app.
# Extra arguments go to `streamlit run`, e.g. scripts/run.sh --server.port 8600
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/_common.sh
source scripts/_common.sh

ensure_venv requirements.txt
[ -f streamlit_app.py ] || die "streamlit_app.py was not found in $(pwd)."
# The studio prints its owner address at start; on a desktop it opens it in the browser too.
export HEYGEN_STUDIO_OPEN_BROWSER="${HEYGEN_STUDIO_OPEN_BROWSER:-1}"
exec .venv/bin/streamlit run streamlit_app.py "$@"
