# Shared by scripts/run, scripts/test and bench/: package installation and the build.
# Source it; it defines MERCATO_ROOT and functions, and changes nothing by itself.

MERCATO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

MERCATO_BUILD_PACKAGES=(g++ cmake ninja-build pkg-config ca-certificates
  libpoco-dev libcppunit-dev libmariadb-dev libcrypt-dev libssl-dev)
MERCATO_SERVICE_PACKAGES=(mariadb-server mariadb-client redis-server redis-tools curl)
# libFuzzer (scripts/fuzz): Debian's clang and its runtimes (libclang_rt.fuzzer-x86_64.a and the
# sanitizer runtimes are in libclang-rt-14-dev).
MERCATO_FUZZ_PACKAGES=(clang-14 libclang-rt-14-dev)

mercato_log() { printf '==> %s\n' "$*" >&2; }

# Runs a command as root (directly, or through sudo when we are not root).
mercato_as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs the Debian packages that are not installed yet; `apt-get update` only when needed.
mercato_install_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    if [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != "install ok installed" ]; then
      missing+=("$pkg")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  mercato_log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  mercato_as_root apt-get update -qq
  mercato_as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# mercato_configure BUILD_DIR [extra cmake arguments...]
mercato_configure() {
  local dir="$1"
  shift
  cmake -S "$MERCATO_ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
}

# mercato_build [BUILD_DIR] [extra cmake arguments...]
mercato_build() {
  local dir="${1:-$MERCATO_ROOT/build}"
  [ $# -gt 0 ] && shift
  mercato_log "building into $dir"
  mercato_configure "$dir" "$@"
  cmake --build "$dir" -j"$(nproc)"
}
