#!/usr/bin/env bash
# Fuzz the JSON API with schemathesis against its own OpenAPI document, served by gunicorn.
#
#   bench/schemathesis_run.sh [OUTPUT_DIR [EXTRA st run OPTIONS...]]
#   e.g. bench/schemathesis_run.sh /tmp/st-out --continue-on-failure (every failure, not each
#   operation's first)
#
# schemathesis lives in its own venv (never a project dependency): ST_VENV, default /tmp/st-venv,
# made with `python3.11 -m venv /tmp/st-venv && /tmp/st-venv/bin/pip install schemathesis==4.32.5`.
# A throwaway SQLite database (or DATABASE_URL) is upgraded, seeded with the catalogue, one
# account and two keys; bench/schemathesis_hooks.py is loaded; the run repeats with the write key, the read key and no key. gunicorn is
# stopped on exit. Results: OUTPUT_DIR/{write,read,none}.txt and the server's access log.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN="$ROOT/.venv/bin"
ST="${ST_VENV:-/tmp/st-venv}/bin/st"
# A free port unless PORT is given; a busy one would send the run to some other server.
PORT=${PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
WORK=$(mktemp -d /tmp/igny8-st.XXXXXX)
OUT=${1:-$WORK}
shift $(( $# > 0 ? 1 : 0 ))
mkdir -p "$OUT"
export FLASK_APP=wsgi SECRET_KEY=schemathesis-run
export DATABASE_URL=${DATABASE_URL:-sqlite:///$WORK/igny8.db}
SERVER=""

stop_server() {
    if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
}
trap stop_server EXIT

cd "$ROOT"
"$BIN/flask" db upgrade >/dev/null
"$BIN/flask" catalogue seed >/dev/null
"$BIN/python" -c '
from igny8 import create_app
from igny8.extensions import db
from igny8.models import Account
with create_app().app_context():
    db.session.add(Account(name="Acme Publishing"))
    db.session.commit()
'
WRITE=$("$BIN/flask" api-keys create schemathesis-write --scope write | tail -n 1)
READ=$("$BIN/flask" api-keys create schemathesis-read --scope read | tail -n 1)

"$BIN/gunicorn" --no-control-socket -b "127.0.0.1:$PORT" -w 1 \
    --access-logfile "$OUT/access.log" \
    --access-logformat '%(h)s "%(r)s" %(s)s %(b)s request_id=%({x-request-id}o)s' \
    --error-logfile "$OUT/error.log" wsgi:app &
SERVER=$!
for _ in $(seq 50); do
    curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
    kill -0 "$SERVER" 2>/dev/null || { echo "gunicorn did not start; see $OUT/error.log"; exit 1; }
    sleep 0.2
done

URL="http://127.0.0.1:$PORT/api/v1/openapi.json"
# The rules no OpenAPI document can state (bounds relative to the clock, order across two query
# parameters) are applied to the valid cases by bench/schemathesis_hooks.py.
export SCHEMATHESIS_HOOKS=schemathesis_hooks PYTHONPATH="$ROOT/bench${PYTHONPATH:+:$PYTHONPATH}"
cd "$WORK"  # schemathesis keeps its cache (.schemathesis/, replayed crashes) here, not in the repo
ARGS=(--checks all --phases examples,coverage,fuzzing,stateful --max-examples 100 --seed 1
      --workers 1 "$@")
status=0
"$ST" run "$URL" -H "Authorization: Bearer $WRITE" "${ARGS[@]}" >"$OUT/write.txt" 2>&1 || status=1
"$ST" run "$URL" -H "Authorization: Bearer $READ" "${ARGS[@]}" >"$OUT/read.txt" 2>&1 || status=1
"$ST" run "$URL" "${ARGS[@]}" >"$OUT/none.txt" 2>&1 || status=1
for run in write read none; do
    echo "== $run key: $(grep -A1 '^Test cases:' "$OUT/$run.txt" | tail -n 1 | sed 's/^ *//');" \
         "$(grep -E '^=+ .+ in [0-9.]+s =+$' "$OUT/$run.txt" | tail -n 1 | tr -d '=' | sed 's/^ *//')"
done
echo "== 5xx answers in the access log: $(grep -cE '" 5[0-9]{2} ' "$OUT/access.log" || true)"
echo "Full output in $OUT"
exit $status
