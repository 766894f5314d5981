#!/usr/bin/env bash
# `make demo`: the daemon on its embedded default, a simulated organisation
# sent to it over OTLP/HTTP, the anomaly summary in the terminal and the
# dashboard left running. Ctrl-C stops the daemon (gracefully).
set -euo pipefail
bin="${TOKENAUDIT_BIN:-.build/release/tokenaudit}"
days="${DAYS:-3}"
admin="http://127.0.0.1:8900"

health() {
  python3 - "$admin/healthz" <<'PY'
import json, sys, urllib.request
try:
    print(json.dumps(json.load(urllib.request.urlopen(sys.argv[1], timeout=2))))
except Exception:
    sys.exit(1)
PY
}

"$bin" serve &
daemon=$!
trap 'kill -TERM $daemon 2>/dev/null; wait $daemon 2>/dev/null' EXIT INT TERM
for _ in $(seq 1 100); do health >/dev/null && break; sleep 0.1; done
health >/dev/null || { echo "the daemon did not come up on $admin" >&2; exit 1; }

echo "Sending $days simulated days of an organisation's LLM traffic to 127.0.0.1:4318 …"
"$bin" simulate --days "$days" --endpoint http://127.0.0.1:4318

# Wait until every request held for decision_wait has been judged.
while :; do
  state="$(health)"
  python3 -c 'import json,sys; s=json.loads(sys.argv[1]); sys.exit(0 if all(p["heldTraces"]==0 for p in s["processors"]) and all(q["queue"]["batches"]==0 for q in s["pipelines"]) else 1)' "$state" && break
  sleep 0.5
done
sleep 1.5  # summaries are written once a second

"$bin" report --since "${days}d" --limit 15
echo
echo "Dashboard: $admin/   ·   JSON API: $admin/api/v1/summary   ·   Prometheus: $admin/metrics"
echo "The daemon keeps running; Ctrl-C stops it."
wait $daemon
