# Shared by scripts/dev, scripts/test and .ci/run. Source it; do not run it.
# Sets ROOT (the repository) and VENV (BI18_VENV, default: $ROOT/.venv).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${BI18_VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else return 1
    fi
}

# Creates the virtualenv if it is missing. On Debian/Ubuntu `python3 -m venv`
# fails without the python3-venv package; as root we install it, otherwise we
# say exactly what to run.
ensure_venv() {
    command -v "$PYTHON" >/dev/null 2>&1 \
        || die "$PYTHON not found. Install Python 3.11: apt-get install -y python3 python3-venv"
    "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
        || die "Python >= 3.11 is required; $PYTHON is $("$PYTHON" -V 2>&1)."
    [ -x "$VENV/bin/python" ] && return 0
    say "Creating virtualenv $VENV"
    if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
        rm -rf "$VENV"
        local pkg="python3-venv"
        if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
            say "Installing $pkg (apt-get)"
            DEBIAN_FRONTEND=noninteractive apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg"
            "$PYTHON" -m venv "$VENV"
        else
            die "'$PYTHON -m venv' failed. Install the venv module first: sudo apt-get install -y $pkg"
        fi
    fi
}

# pip install -e '.[dev]', skipped when pyproject.toml is unchanged since the last install.
ensure_deps() {
    local stamp="$VENV/.bi18-deps"
    local want
    want="$(sha256sum < "$ROOT/pyproject.toml" | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return 0
    fi
    say "Installing the project and its dependencies into $VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$ROOT[dev]"
    echo "$want" > "$stamp"
}
