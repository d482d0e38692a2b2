#!/usr/bin/env bash
# Runs ON THE GPU MACHINE (device tool): trains the demo model and leaves what must come back under $OUT
# within the tool's limits (at most 8 files of at most 16 MiB): each model shard (train.py writes shards
# of <= 12 MB) as its own file, everything else in one demo-rest.tgz.
#
# Here, first:   bench/device/make-jdk.sh && bench/device/stage-classpath.sh bench
# Then the call: run(command="bash bench/device/train-demo.sh [train.py args]", carry=[".device"])
# Back here:     bench/device/unpack-demo.sh /work/.device/<n>   (fills models/demo and docs/demo-model)
# Chaining:      `train-demo.sh --continue [train.py args]` trains on from the last run's model: the one this
#                machine still holds (a call within its warm period), else the one carried in .device/demo-prev,
#                else the committed models/demo (it travels with the tree); pass a new --run so the rows differ.
# Two at once:   KVRAG_TRAIN_DIR (default /tmp/kvrag-demo) holds the run's data, model and report, so that two runs
#                can share one machine (train-pair.sh); the runtime is unpacked once.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${OUT:?OUT is not set: this script runs on the GPU machine through the device tool}"
# the exporter's classpath: .device/classpath-bench.txt (stage-classpath.sh bench), else the one beside the GPU tests'
# jars (stage-gpu.sh --with-bench: .device/gpu/classpath-bench.txt, for train-and-check.sh)
classpath=
for candidate in .device/classpath-bench.txt .device/gpu/classpath-bench.txt; do
  [[ -f $candidate ]] || continue
  missing=$(tr ':' '\n' < "$candidate" | while read -r jar; do [[ -z $jar || -f $jar ]] || echo "$jar"; done)
  [[ -z $missing ]] && { classpath=$candidate; break; }
done
[[ ( -f .device/jdk.tgz || -f .device/jdk.txz || -f .device/gpu/jdk.txz ) && -n $classpath ]] \
  || { echo "train-demo: carry .device (make-jdk.sh and stage-classpath.sh bench make it; or .device/gpu, which" \
       "stage-gpu.sh --with-bench makes)" >&2; exit 2; }
# jdk.txz: the same runtime as xz, smaller, for calls that also carry a model (the tool carries 64 MiB in all);
# .device/gpu/jdk.txz (stage-gpu.sh) is the same runtime, for a call that also runs the GPU tests.
if [[ -x .jdk-device/bin/java ]]; then :
elif [[ -f .device/jdk.txz ]]; then tar xJf .device/jdk.txz
elif [[ -f .device/jdk.tgz ]]; then tar xzf .device/jdk.tgz
else tar xJf .device/gpu/jdk.txz; fi
work=${KVRAG_TRAIN_DIR:-/tmp/kvrag-demo}
export KVRAG_JAVA=$PWD/.jdk-device/bin/java KVRAG_CLASSPATH=@$classpath PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
args=()
for a in "$@"; do
  if [[ $a == --continue ]]; then
    if [[ -d $work/model ]]; then
      rm -rf "$work/prev" && mv "$work/model" "$work/prev"
      args+=(--init-from "$work/prev")
    elif [[ -d .device/demo-prev ]]; then
      args+=(--init-from .device/demo-prev)
    elif [[ -f models/demo/config.json ]]; then
      args+=(--init-from models/demo)
    else
      echo "train-demo: --continue, but no model from an earlier run here ($work/model), carried (.device/demo-prev) or committed (models/demo)" >&2
      exit 2
    fi
  else
    args+=("$a")
  fi
done
echo "train.py ${args[*]}"
rm -rf "$work/report"
mkdir -p "$work" "$OUT"
rc=0
python3 bench/demo-model/train.py --out "$work/model" --report-dir "$work/report" --data-dir "$work/data" "${args[@]}" \
  2>&1 | tee "$OUT/train.log" || rc=$?
if [[ -d $work/model ]]; then
  cp "$work"/model/*.safetensors "$OUT/"
fi
tar czf "$OUT/demo-rest.tgz" -C "$work" --exclude='*.safetensors' --exclude=data --exclude=prev . || true
ls -la "$OUT"
exit $rc
