#!/usr/bin/env bash
# Platform overhead of a cache-hit query: N sequential POST /v1/query calls against a running stack
# (`./kvrag up`), after one document is ingested and indexed. For each answer it reads the gateway's own
# timings. Engine compute = the worker's TTFT less its KV load (fusing and the first token) + decode; the
# platform overhead is everything else the gateway measured: retrieval, Kafka queueing, KV load, result
# stream, HTTP. Prints p50/p90/p99 of each part.
#
#   bench/platform-overhead.sh [--queries 200] [--max-tokens 4] [--gateway http://127.0.0.1:8080]
set -euo pipefail
cd "$(dirname "$0")/.."
N=200 MAX=4 GW=http://127.0.0.1:${KVRAG_GATEWAY_PORT:-8080}
while [[ $# -gt 0 ]]; do
  case $1 in
    --queries) N=$2; shift 2 ;;
    --max-tokens) MAX=$2; shift 2 ;;
    --gateway) GW=$2; shift 2 ;;
    *) echo "platform-overhead: unknown option '$1'" >&2; exit 2 ;;
  esac
done
KEY=${KVRAG_API_KEY:-$(cat .run/api-key 2>/dev/null || true)}
[[ -n $KEY ]] || { echo "platform-overhead: no API key (.run/api-key or KVRAG_API_KEY): is ./kvrag up running?" >&2; exit 2; }
auth=(-H "Authorization: Bearer $KEY" -H 'Content-Type: application/json')
curl -sf "${auth[@]}" "$GW/v1/documents" -d '{"documents":[{"id":"overhead-bench","text":"The Athuv team works out of the office in Foseamouth. It has 11 engineers. It holds its planning meeting every Friday. Its lead is Floje Afoman."}]}' >/dev/null \
  || { echo "platform-overhead: ingest failed at $GW" >&2; exit 1; }
for _ in $(seq 1 60); do
  curl -sf "${auth[@]}" "$GW/v1/documents/overhead-bench" | grep -q '"indexed"' && break
  sleep 1
done
out=$(mktemp)
for i in $(seq 1 $((N + 5))); do   # the first 5 warm up (the first query may still miss)
  r=$(curl -sf "${auth[@]}" "$GW/v1/query" -d "{\"question\":\"Where does the Athuv team work?\",\"maxTokens\":$MAX,\"documentIds\":[\"overhead-bench\"]}")
  (( i > 5 )) && echo "$r" >>"$out"
done
python3 - "$out" "$N" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
def pct(v, p):
    v = sorted(v); return v[min(len(v) - 1, int(p * len(v)))]
t = [r["timings"] for r in rows]
hits = sum(1 for r in rows if r["cache"]["misses"] == 0)
parts = {
  "gateway total": [x["totalMs"] for x in t],
  "retrieval": [x["retrievalMs"] for x in t],
  "queue (Kafka)": [x["queueMs"] for x in t],
  "KV load": [x["kvLoadMs"] for x in t],
  "engine TTFT": [x["ttftMs"] for x in t],
  "engine decode": [x["decodeMs"] for x in t],
  "overhead (gateway total - worker total)": [x["overheadMs"] for x in t],
  # engine compute = fusing + first token (the worker's TTFT without its KV load) + decode
  "platform overhead (total - engine compute)": [x["totalMs"] - (x["ttftMs"] - x["kvLoadMs"]) - x["decodeMs"] for x in t],
}
print(f"{len(rows)} sequential queries, all cache hits: {hits == len(rows)} ({hits} with no miss)")
print(f"{'part':52s} {'p50 ms':>8s} {'p90 ms':>8s} {'p99 ms':>8s}")
for k, v in parts.items():
    print(f"{k:52s} {pct(v, .5):8.1f} {pct(v, .9):8.1f} {pct(v, .99):8.1f}")
PY
rm -f "$out"
