#!/usr/bin/env bash
# Here, after bench/device/train-demo.sh (or train-pair.sh: pass its run's folder) ran on the GPU machine: puts the returned model into models/demo
# and the run's log, loss curve and engine reference into docs/demo-model/.
set -euo pipefail
cd "$(dirname "$0")/../.."
from=${1:?usage: bench/device/unpack-demo.sh DIR-WITH-THE-RETURNED-FILES}
[[ -f $from/demo-rest.tgz ]] || { echo "unpack-demo: no demo-rest.tgz in $from" >&2; exit 2; }
tmp=$(mktemp -d)
tar xzf "$from/demo-rest.tgz" -C "$tmp"
rm -rf models/demo && mkdir -p models/demo docs/demo-model
cp "$tmp"/model/* models/demo/
cp "$from"/*.safetensors models/demo/
cp "$tmp"/report/* docs/demo-model/
# train-pair.sh packs the log into demo-rest.tgz; train-demo.sh returns it beside
if [[ -f $from/train.log ]]; then cp "$from/train.log" docs/demo-model/train.log
else cp "$tmp/train.log" docs/demo-model/train.log; fi
rm -rf "$tmp"
du -sh models/demo && ls models/demo docs/demo-model
