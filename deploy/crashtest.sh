#!/usr/bin/env bash
# kill -9 under RSVP load: builds turnout, fires RSVPs at it from several
# clients, SIGKILLs it while requests are in flight, restarts it, ROUNDS
# times (default 3), on SQLite and (with TURNOUT_TEST_DATABASE_URL) on
# Postgres. Each round reports requests started, acknowledged and cut in
# flight by the kill (a round that cuts none fails). Then it checks that
# every RSVP answered 201 is stored as acknowledged, every stored RSVP was
# sent, no row is half-written (name, manage token, a queue place of its own
# when waitlisted), no waitlisted party fits in the places left, and the
# going count matches the rows within capacity.
#   ROUNDS=20 deploy/crashtest.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export TURNOUT_CRASH_ROUNDS="${ROUNDS:-3}"
exec go test -count=1 -timeout 600s -run '^TestKill9UnderRSVPLoad$' -v ./cmd/turnout
