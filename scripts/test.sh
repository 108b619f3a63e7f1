#!/usr/bin/env bash
# Sets up everything (Node 24, pnpm, dependencies from the lockfile) and runs every test:
# format check, strict type-check, vitest, cucumber. Ends with one line: `N passed, N failed`.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/bootstrap.sh || exit 1
pnpm install --frozen-lockfile --reporter=silent || { echo "dependency install failed"; echo "0 passed, 1 failed"; exit 1; }
mkdir -p .scratch
rm -f .scratch/vitest.json .scratch/vitest-slow.json .scratch/cucumber.ndjson .scratch/cucumber-ib.ndjson .scratch/example-vitest.json .scratch/example-cucumber.ndjson
status=0
pnpm -s format:check || { echo "format check failed (run: pnpm format)"; status=1; }
pnpm -s typecheck || { echo "type-check failed"; status=1; }
pnpm -s vitest run --reporter=default --reporter=json --outputFile.json=.scratch/vitest.json || status=1
SPREADS_SLOW_TESTS=1 pnpm -s vitest run --no-file-parallelism --reporter=default --reporter=json \
  --outputFile.json=.scratch/vitest-slow.json || status=1
pnpm -s cucumber-js --format progress --format message:.scratch/cucumber.ndjson || status=1
# The same features through the live IB adapter, over loopback, against the TWS simulator server.
SPREADS_BROKER=ib pnpm -s cucumber-js --format progress --format message:.scratch/cucumber-ib.ndjson || status=1
# Benchmarks in quick mode, so they cannot rot (the full run is `pnpm bench`); a missed goal is reported, not failed.
node --expose-gc bench/run.ts --quick || { echo "benchmarks failed to run"; status=1; }
# A user's project (examples/strategy) installs the built packages with npm and runs its own suites.
bash examples/strategy/run.sh || status=1
node scripts/summary.ts .scratch/vitest.json .scratch/vitest-slow.json .scratch/cucumber.ndjson .scratch/cucumber-ib.ndjson \
  .scratch/example-vitest.json .scratch/example-cucumber.ndjson $status
