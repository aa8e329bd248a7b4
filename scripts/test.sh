#!/usr/bin/env bash
# Install everything the tests need (.venv with requirements-dev.txt, Debian's
# chromium for the browser tests, Debian's redis-server and postgresql for the
# team-mode tests) and run the whole pytest suite.
# Extra arguments go to pytest, e.g. scripts/test.sh -m "not browser" -x
# The tests run in parallel worker processes (pytest-xdist, one file per worker at a time);
# STUDIO_TEST_WORKERS sets how many (default 6: the browser tests wait on renders, so more workers than
# cores keep both cores busy; 0 runs them in this process).
# --busy N (first argument) keeps N extra processes spinning on the CPU for the whole run, to
# check that the suite passes on a busy machine.
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

# The team-mode tests start their own throwaway Redis and PostgreSQL servers
# (free loopback ports, temporary folders), so only the binaries are needed.
have_postgres() {
    compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null &&
        compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null
}
server_packages=()
[ -x /usr/bin/redis-server ] || server_packages+=(redis-server)
have_postgres || server_packages+=(postgresql)
if [ "${#server_packages[@]}" -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
        die "The team-mode tests need Debian's ${server_packages[*]}. Run 'apt-get install -y ${server_packages[*]}' as root, then run this again."
    fi
    if [[ " ${server_packages[*]} " == *" postgresql "* ]]; then
        # A first install would create and start a "main" cluster on port 5432
        # that the tests never use: get postgresql-common first and turn that
        # off (Debian's create_main_cluster setting) before postgresql.
        [ -e /etc/postgresql-common/createcluster.conf ] || apt_install postgresql-common ||
            die "Could not install postgresql-common with apt-get. Install PostgreSQL yourself ('sudo apt-get install -y postgresql'), then run this again."
        as_root sed -ri 's/^#?[[:space:]]*create_main_cluster[[:space:]]*=.*$/create_main_cluster = false/' \
            /etc/postgresql-common/createcluster.conf ||
            die "Could not set create_main_cluster = false in /etc/postgresql-common/createcluster.conf."
    fi
    apt_install "${server_packages[@]}" ||
        die "Could not install ${server_packages[*]} with apt-get. Install them yourself ('sudo apt-get install -y redis-server postgresql') so that /usr/bin/redis-server and /usr/lib/postgresql/<version>/bin/initdb exist, then run this again."
    [ -x /usr/bin/redis-server ] || die "redis-server was installed but /usr/bin/redis-server is still missing."
    have_postgres || die "postgresql was installed but no /usr/lib/postgresql/<version>/bin/initdb and pg_ctl were found."
fi

busy=0
if [ "${1:-}" = "--busy" ]; then
    busy="${2:?--busy needs a number of processes}"
    shift 2
fi
spinners=()
stop_spinners() { [ "${#spinners[@]}" -eq 0 ] || kill "${spinners[@]}" 2>/dev/null || true; }
trap stop_spinners EXIT
for _ in $(seq 1 "$busy"); do
    .venv/bin/python -c "while True: pass" &
    spinners+=("$!")
done

workers="${STUDIO_TEST_WORKERS:-6}"
parallel=()
[ "$workers" = "0" ] || parallel=(-n "$workers" --dist loadfile)
.venv/bin/python -m pytest "${parallel[@]}" --durations=25 "$@"
