#!/usr/bin/env bash
# The README's two commands, working on a fresh machine (Node 20 + npm, PostgreSQL and NATS
# installed): installs pnpm and the workspace's dependencies if needed, then
#   bash scripts/run.sh start   — runs the whole local stack (pnpm start)
#   bash scripts/run.sh test    — starts PostgreSQL/NATS if they are down, runs every test file,
#                                 compiled first (scripts/test-bundles.ts)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v pnpm >/dev/null 2>&1 || [[ "$(pnpm --version)" != 10.* ]]; then
  npm install -g pnpm@10.34.9
fi
pnpm install --frozen-lockfile --prefer-offline --reporter=silent

case "${1:-}" in
  # node directly (what `pnpm start` runs), so Ctrl-C ends with the stack's own clean exit, not pnpm's ELIFECYCLE
  start) exec node --import tsx scripts/stack/start.ts ;;
  test)
    bash scripts/ensure-services.sh
    bash scripts/ensure-tools.sh
    # the elements' browser tests and the gateway's /console/ need packages/elements/dist (built when stale)
    node --import tsx packages/elements/build/ensure-built.ts
    # tap rebuilds its Test class for .taprc's plugins (tsx instead of ts-node) when they changed,
    # but the run that notices still loads the old class, with both loaders: build it first.
    pnpm exec tap build >/dev/null
    # the whole suite runs from compiled test files, without tsx's loader hook (about half the CPU
    # time of starting each test process); scripts/test-bundles.ts says how they are made
    node --import tsx scripts/test-bundles.ts >/dev/null
    TAP_RCFILE=scripts/test-bundles.taprc exec pnpm exec tap
    ;;
  *)
    echo "usage: bash scripts/run.sh start|test" >&2
    exit 2
    ;;
esac
