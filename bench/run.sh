#!/usr/bin/env bash
# Turnout's benchmark harness: see BENCHMARKS.md. All arguments go to benchrun,
# e.g. `bench/run.sh` (1k and 100k events on Postgres) or `bench/run.sh -smoke`.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in wrk pgbench psql; do
  command -v "$tool" >/dev/null || { echo "bench/run.sh: $tool is not installed (Debian packages: wrk, postgresql-client, postgresql or postgresql-contrib)" >&2; exit 1; }
done
exec go run ./bench/cmd/benchrun "$@"
