#!/usr/bin/env bash
# Installs the built spreads packages into this example project the way a user would (npm, from packed tarballs),
# then runs its vitest tests and cucumber features. Reports go to .scratch/ for the workspace's summary line.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$root/scripts/bootstrap.sh" || exit 1
packs="$here/.packs"
rm -rf "$packs" && mkdir -p "$packs"
# Build every package @spreads/testing is compiled against (its optional `@spreads/testing/ib` entry needs the IB
# adapter and the TWS server types), then pack only what this project installs.
for p in domain application adapters/sim adapters/tws adapters/ib adapters/testing; do
  (cd "$root/$p" && pnpm run -s build) || { echo "example: building $p failed"; exit 1; }
done
for p in domain application adapters/sim adapters/testing; do
  (cd "$root/$p" && pnpm pack --pack-destination "$packs" >/dev/null) || { echo "example: packing $p failed"; exit 1; }
done
cd "$here"
rm -rf node_modules package-lock.json
npm install --no-audit --no-fund --loglevel=error --no-save "$packs"/*.tgz \
  effect@4.1.0 vitest@5.1.1 @effect/vitest@4.0.5 @cucumber/cucumber@13.3.0 @types/node@24.19.2 typescript@7.0.2 || { echo "example: npm install failed"; exit 1; }
mkdir -p "$root/.scratch"
status=0
npx tsc -p tsconfig.json || { echo "example: type-check failed"; status=1; }
npx vitest run --reporter=default --reporter=json --outputFile.json="$root/.scratch/example-vitest.json" || status=1
npx cucumber-js --format progress --format "message:$root/.scratch/example-cucumber.ndjson" || status=1
exit $status
