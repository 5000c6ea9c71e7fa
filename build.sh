#!/usr/bin/env bash
# Builds everything: installs pnpm (into .tools/ when it is missing), the locked dependencies,
# then compiles every package with `tsc -b`. Safe to run again; does only what changed.
set -euo pipefail
cd "$(dirname "$0")"
PNPM_VERSION=10.34.8

if ! command -v node >/dev/null; then echo "build.sh: Node.js 20.19+ is required" >&2; exit 1; fi
export PATH="$PWD/.tools/node_modules/.bin:$PATH"
if [[ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]]; then
  echo "build.sh: installing pnpm $PNPM_VERSION into .tools/" >&2
  npm install --no-save --no-audit --no-fund --loglevel=error --prefix .tools "pnpm@$PNPM_VERSION" >&2
fi
if [[ ! -f node_modules/.modules.yaml || pnpm-lock.yaml -nt node_modules/.modules.yaml ]]; then
  pnpm install --frozen-lockfile --reporter=append-only >&2
fi
pnpm exec tsc -b >&2
