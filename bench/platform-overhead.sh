#!/usr/bin/env bash
# Platform overhead of a cache-hit query: N sequential POST /v1/query calls against a running stack
# (`./kvrag up`), after one document is ingested and indexed and W warm-up queries. One curl process sends them all
# over one kept-alive connection, as a client with a connection pool would, and times each from its side.
#
# Engine compute = the worker's fusing (with CacheBlend's recompute) and first-token logits (recomputeMs) + decode
# (decodeMs). Platform overhead = what the client waited (curl's time_total) less engine compute: HTTP in and out of
# the gateway, retrieval, Kafka, the worker's parsing, claiming and prompt assembly, KV loading, the result stream.
# Prints p50/p90/p99 of each part and the load average before and after. The warm-up is long because the JIT keeps
# compiling the services' paths for about a thousand queries: after 200 warm-ups p50 reads 3-7 ms higher.
#
#   bench/platform-overhead.sh [--queries 200] [--warmup 1200] [--max-tokens 4] [--gateway http://127.0.0.1:8080]
set -euo pipefail
cd "$(dirname "$0")/.."
N=200 WARM=1200 MAX=4 GW=http://127.0.0.1:${KVRAG_GATEWAY_PORT:-8080}
while [[ $# -gt 0 ]]; do
  case $1 in
    --queries) N=$2; shift 2 ;;
    --warmup) WARM=$2; shift 2 ;;
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

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
body="{\"question\":\"Where does the Athuv team work?\",\"maxTokens\":$MAX,\"documentIds\":[\"overhead-bench\"]}"
queries() { # $1 = count, $2 = file prefix: a curl config with one request per query
  local i
  for ((i = 0; i < $1; i++)); do
    ((i > 0)) && echo next
    printf 'url = "%s/v1/query"\nheader = "Authorization: Bearer %s"\nheader = "Content-Type: application/json"\n' "$GW" "$KEY"
    printf 'data = "%s"\noutput = "%s%04d.json"\nwrite-out = "%%{http_code} %%{time_total}\\n"\nsilent\n' "${body//\"/\\\"}" "$2" "$i"
  done
}
queries "$WARM" "$dir/warm-" >"$dir/warm.cfg"
queries "$N" "$dir/q-" >"$dir/run.cfg"
((WARM == 0)) || curl -K "$dir/warm.cfg" >/dev/null   # the first queries still compile code and may miss
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
curl -K "$dir/run.cfg" >"$dir/times.txt"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

python3 - "$dir" "$N" "$WARM" "$load_before" "$load_after" <<'PY'
import json, sys, os
d, n, warm, before, after = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
times = [l.split() for l in open(os.path.join(d, "times.txt"))]
bad = [t[0] for t in times if t[0] != "200"]
if bad:
    sys.exit(f"platform-overhead: {len(bad)} of {len(times)} queries failed (HTTP {', '.join(sorted(set(bad)))})")
rows = [json.load(open(os.path.join(d, f"q-{i:04d}.json"))) for i in range(n)]
client = [float(t[1]) * 1000 for t in times]
def pct(v, p):
    v = sorted(v); return v[min(len(v) - 1, int(p * len(v)))]
t = [r["timings"] for r in rows]
hits = sum(1 for r in rows if r["cache"]["misses"] == 0)
engine = [x["recomputeMs"] + x["decodeMs"] for x in t]
worker_total = [x["totalMs"] - x["overheadMs"] for x in t]
parts = {
  "client total (curl, kept-alive connection)": client,
  "  gateway HTTP in/out (client total - gateway total)": [c - x["totalMs"] for c, x in zip(client, t)],
  "  gateway total (retrieval start to answer)": [x["totalMs"] for x in t],
  "    retrieval (HTTP call, query embedding, Lucene)": [x["retrievalMs"] for x in t],
  "    queue (request created -> worker picked it up)": [x["queueMs"] for x in t],
  "    worker before fusing (parse, claim, prompt)": [x["ttftMs"] - x["kvLoadMs"] - x["recomputeMs"] for x in t],
  "    KV load (local tier)": [x["kvLoadMs"] for x in t],
  "    engine: fuse + first token": [x["recomputeMs"] for x in t],
  "    engine: decode": [x["decodeMs"] for x in t],
  "    worker after decode": [w - x["ttftMs"] - x["decodeMs"] for w, x in zip(worker_total, t)],
  "    result stream + hand-offs (rest of the gateway's wait)": [x["overheadMs"] - x["retrievalMs"] - x["queueMs"] for x in t],
  "engine compute (fuse + first token + decode)": engine,
  "platform overhead, gateway's view (gateway total - engine)": [x["totalMs"] - e for x, e in zip(t, engine)],
  "PLATFORM OVERHEAD (client total - engine compute)": [c - e for c, e in zip(client, engine)],
}
print(f"{len(rows)} sequential queries after {warm} warm-ups; all cache hits: {hits == len(rows)} ({hits} with no miss); "
      f"load average {before} before, {after} after")
print(f"{'part':60s} {'p50 ms':>8s} {'p90 ms':>8s} {'p99 ms':>8s}")
for k, v in parts.items():
    print(f"{k:60s} {pct(v, .5):8.1f} {pct(v, .9):8.1f} {pct(v, .99):8.1f}")
PY
