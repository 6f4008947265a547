#!/usr/bin/env bash
# Measures /events.ics throughput straight from one Turnout instance and
# through the nginx cache of deploy/nginx.conf, with wrk for 5 s each, on
# loopback ports only. Two instances with the demo data share a fresh schema
# of the Postgres database in TURNOUT_TEST_DATABASE_URL; the schema, the
# processes and the temporary files are removed at the end.
#   TURNOUT_TEST_DATABASE_URL=postgres://... deploy/measure-feeds.sh
set -euo pipefail
cd "$(dirname "$0")/.."
: "${TURNOUT_TEST_DATABASE_URL:?set TURNOUT_TEST_DATABASE_URL to a postgres:// URL}"
for tool in nginx wrk psql curl; do command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 1; }; done
work=$(mktemp -d)
schema="measure_$$"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql "$TURNOUT_TEST_DATABASE_URL" -qc "DROP SCHEMA IF EXISTS $schema CASCADE" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
go build -o "$work/turnout" ./cmd/turnout
psql "$TURNOUT_TEST_DATABASE_URL" -qc "CREATE SCHEMA $schema"
sep='?'; case "$TURNOUT_TEST_DATABASE_URL" in *\?*) sep='&';; esac
export TURNOUT_DATABASE_URL="${TURNOUT_TEST_DATABASE_URL}${sep}search_path=$schema"
export TURNOUT_TRUSTED_PROXIES=127.0.0.1 TURNOUT_LOG_FORMAT=json TURNOUT_BASE_URL=http://127.0.0.1:18080
"$work/turnout" migrate >/dev/null
TURNOUT_ADDR=127.0.0.1:13001 "$work/turnout" serve --demo >/dev/null 2>"$work/a.log" & pids+=($!)
TURNOUT_ADDR=127.0.0.1:13002 "$work/turnout" serve >/dev/null 2>"$work/b.log" & pids+=($!)
for _ in $(seq 100); do
  curl -fs http://127.0.0.1:13001/readyz >/dev/null && curl -fs http://127.0.0.1:13002/readyz >/dev/null && break
  sleep 0.1
done
mkdir -p "$work/cache"
sed -e 's/listen 80;/listen 127.0.0.1:18080;/' -e 's/worker_processes auto;/worker_processes 1;/' \
  -e "s|/var/cache/nginx/turnout|$work/cache|" -e "s|/var/log/nginx/turnout.access.log|$work/access.log|" \
  -e "s|/var/log/nginx/turnout.error.log|$work/error.log|" -e 's/127.0.0.1:3001/127.0.0.1:13001/' -e 's/127.0.0.1:3002/127.0.0.1:13002/' \
  deploy/nginx.conf >"$work/nginx.conf"
user=""; [ "$(id -u)" = 0 ] && user="user root;"
nginx -e "$work/error.log" -p "$work" -c "$work/nginx.conf" -g "daemon off; pid $work/nginx.pid; $user" & pids+=($!)
for _ in $(seq 50); do curl -fs http://127.0.0.1:18080/healthz >/dev/null && break; sleep 0.1; done
curl -s -o /dev/null http://127.0.0.1:18080/events.ics   # fill the cache
before=$(cat "$work"/a.log "$work"/b.log | grep -c '"path":"/events.ics"' || true)
echo "== straight from one instance: wrk -t2 -c20 -d5s http://127.0.0.1:13001/events.ics"
wrk -t2 -c20 -d5s http://127.0.0.1:13001/events.ics | grep -E 'Latency|requests in|Requests/sec'
mid=$(cat "$work"/a.log "$work"/b.log | grep -c '"path":"/events.ics"' || true)
echo "== through the nginx cache: wrk -t2 -c20 -d5s http://127.0.0.1:18080/events.ics"
wrk -t2 -c20 -d5s http://127.0.0.1:18080/events.ics | grep -E 'Latency|requests in|Requests/sec'
after=$(cat "$work"/a.log "$work"/b.log | grep -c '"path":"/events.ics"' || true)
echo "feed requests that reached an instance during the nginx run: $((after - mid)) (direct run: $((mid - before)))"
