#!/usr/bin/env bash
# Runs two Turnout instances on one Postgres behind nginx (deploy/nginx.conf)
# on loopback and checks the promises of a scaled-out deployment: shared
# logins, capacity across instances, identical feed ETags, nginx feed
# caching and revalidation, stale feeds while every instance is down.
# Needs nginx and TURNOUT_TEST_DATABASE_URL (a Postgres URL; each run uses a
# fresh schema and drops it). Every port is on 127.0.0.1; everything it
# starts is stopped when it ends.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${TURNOUT_TEST_DATABASE_URL:?set TURNOUT_TEST_DATABASE_URL to a postgres:// URL}"
exec go test -count=1 -timeout 180s -run '^TestScaleOut$' -v ./deploy
