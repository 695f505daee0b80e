#!/bin/sh
# Puts what the BFF needs at run time into one directory, from a checkout where
# `npm run build --workspace @storefront/shared --workspace @storefront/server` has run:
# the two packages' package.json and dist/, the lock file, and their production dependencies
# (npm ci --omit=dev: no TypeScript sources, no tests, no sandbox, no dev tools).
# The Dockerfile runs it; test/deploy-files.test.ts runs it and starts the result as the image does.
#   deploy/assemble.sh OUT_DIR
set -eu
out=${1:?usage: deploy/assemble.sh OUT_DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
for package in shared server; do
  [ -f "$root/$package/dist/index.js" ] || {
    echo "assemble.sh: $package/dist is missing: build first" >&2
    exit 1
  }
done
mkdir -p "$out/shared" "$out/server"
cp "$root/package.json" "$root/package-lock.json" "$out/"
for package in shared server; do
  cp "$root/$package/package.json" "$out/$package/"
  rm -rf "$out/$package/dist"
  cp -R "$root/$package/dist" "$out/$package/dist"
done
# The server's dependencies and the workspace link to @storefront/shared; no install scripts run
# (none of them needs one).
(cd "$out" && npm ci --omit=dev --workspace @storefront/server --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error)
