# Shared set-up for scripts/run.sh and scripts/test.sh (sourced, not run).
# Provides: say, die, as_root, ensure_venv <requirements file>...
# Expects the caller to have cd'ed to the repository root.

say() { printf '[studio] %s\n' "$*" >&2; }
die() { printf '[studio] ERROR: %s\n' "$*" >&2; exit 1; }

# Run a command as root: directly when we are root, through sudo otherwise.
# Without a terminal, sudo must not wait for a password that nobody can type.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        if [ -t 0 ]; then sudo "$@"; else sudo -n "$@"; fi
    else
        return 127
    fi
}

apt_install() {
    command -v apt-get >/dev/null 2>&1 || return 127
    say "Installing system package(s): $* (apt-get)"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}

# Create .venv when missing (installing Debian's python3-venv first if needed),
# then install the given requirements files unless their content is unchanged
# since the last successful install (sha256 stamp stored inside .venv/).
ensure_venv() {
    command -v python3 >/dev/null 2>&1 ||
        die "python3 was not found. Install Python 3.11 or newer (Debian/Ubuntu: apt-get install python3 python3-venv)."
    python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
        die "Python 3.11 or newer is needed; python3 is $(python3 -V 2>&1)."

    if ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
        if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
            if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
                apt_install python3-venv || die "apt-get could not install python3-venv."
            else
                die "Python's venv module is not available. Install it first, e.g. 'sudo apt-get install -y python3-venv', then run this again."
            fi
        fi
        say "Creating virtual environment in .venv"
        # --clear repairs a half-made .venv left behind by an earlier failed attempt.
        python3 -m venv --clear .venv ||
            die "python3 -m venv failed. On Debian/Ubuntu install python3-venv ('sudo apt-get install -y python3-venv') and run this again."
    fi

    local stamp=".venv/.installed-$(basename "$1").sha256"
    local want
    want="$(cat "$@" | sha256sum | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return 0
    fi
    say "Installing Python packages from $1 (this can take a minute)"
    .venv/bin/python -m pip install -q --disable-pip-version-check -r "$1" ||
        die "pip could not install $1 (see the messages above)."
    printf '%s\n' "$want" >"$stamp"
}
