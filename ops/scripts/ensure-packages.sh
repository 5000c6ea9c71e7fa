#!/usr/bin/env bash
# ops/scripts/ensure-packages.sh PACKAGE...   installs the Debian packages whose binary is missing.
# The heavy ops tests call it so a fresh machine (CI) gets prometheus, haproxy, wrk by itself.
# Runs `apt-get update` at most once per call and only when something must be installed; a lock
# keeps concurrent callers (parallel test files) from fighting over dpkg. Never starts services:
# packages are installed with --no-install-recommends and tests run the binaries directly.
set -euo pipefail

# The binary that proves a package is installed (a package may ship several).
binary_of () {
  case "$1" in
    prometheus) echo prometheus ;;
    haproxy) echo haproxy ;;
    wrk) echo wrk ;;
    *) echo "$1" ;;
  esac
}

missing=()
for pkg in "$@"; do
  bin="$(binary_of "$pkg")"
  if ! command -v "$bin" >/dev/null 2>&1 && [[ ! -x "/usr/sbin/$bin" && ! -x "/usr/bin/$bin" ]]; then missing+=("$pkg"); fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ "$(id -u)" -ne 0 ]]; then
  echo "ensure-packages: missing ${missing[*]} and not root; install them with apt-get" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt_opts=(-o DPkg::Lock::Timeout=300 -o Acquire::Retries=3)
exec 9>/var/lock/line-server-ensure-packages.lock
flock -w 600 9
# Another caller may have installed them while this one waited for the lock.
still=()
for pkg in "${missing[@]}"; do
  bin="$(binary_of "$pkg")"
  command -v "$bin" >/dev/null 2>&1 || [[ -x "/usr/sbin/$bin" ]] || still+=("$pkg")
done
[[ ${#still[@]} -eq 0 ]] && exit 0

echo "ensure-packages: installing ${still[*]}" >&2
updated=0
# A fresh machine has no package lists yet; stale lists show up as a failed install below.
if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then apt-get "${apt_opts[@]}" update -qq >&2; updated=1; fi
if ! apt-get "${apt_opts[@]}" install -y -qq --no-install-recommends "${still[@]}" >&2; then
  [[ $updated -eq 1 ]] && exit 1
  apt-get "${apt_opts[@]}" update -qq >&2
  apt-get "${apt_opts[@]}" install -y -qq --no-install-recommends "${still[@]}" >&2
fi
