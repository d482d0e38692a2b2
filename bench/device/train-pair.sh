#!/usr/bin/env bash
# Runs ON THE GPU MACHINE (device tool), in one call: two demo-model trainings at once, then each model's GPU parity
# (CudaDemoModelTest) one after the other, so that one machine start tries two options. The demo model is small (one
# training uses a few percent of an H100's arithmetic), so two should share the card's time at modest cost to each;
# not yet measured: in the one try so far the second run never got past its memory (below).
# Each run's files come back in $OUT/A and $OUT/B (A, B: the --run numbers): its model shards and demo-rest.tgz,
# which also holds train.log and the parity logs (checks/); 6 files in all, within the tool's 8. Exits non-zero when
# either training or either parity failed.
# Memory: a run at the default --batch-tokens 65536 with blended steps holds about 40 GB of GPU memory, so two do not
# fit an 80 GB H100 (session 13: the second ran out of memory at its first blended step and stopped; the first
# trained on alone, as fast as a run alone). Two need a card with more memory (H200, 139 GB), or a smaller
# --batch-tokens in COMMON, which changes what a step is.
#
# Here, first:   bench/device/stage-gpu.sh --with-bench   (with models/tokenizers/*/tokenizer.json.gz moved aside)
# The call:      run(command="bash bench/device/train-pair.sh 'COMMON' 'A-ONLY' 'B-ONLY'", carry=[".device/gpu"],
#                    timeout_s=600)
#                COMMON: train.py arguments both runs take (e.g. --continue --lr 3e-4 ... --time-budget 400);
#                A-ONLY, B-ONLY: each run's own, starting with --run N (e.g. '--run 17 --seed 17171 ...').
#                Leave the parity about 150 s: each training takes --time-budget seconds from its start.
# Back here:     bench/device/unpack-demo.sh /work/.device/<n>/<run>   for the run to adopt
set -uo pipefail
cd "$(dirname "$0")/../.."
: "${OUT:?OUT is not set: this script runs on the GPU machine through the device tool}"
(( $# == 3 )) || { echo "usage: train-pair.sh 'COMMON ARGS' 'RUN A ARGS' 'RUN B ARGS'" >&2; exit 2; }
[[ -f .device/gpu/classpath-bench.txt ]] \
  || { echo "train-pair: carry .device/gpu as bench/device/stage-gpu.sh --with-bench makes it" >&2; exit 2; }
read -r -a common <<< "$1"
run_number() {
  local words
  read -r -a words <<< "$1"
  [[ ${words[0]:-} == --run && ${words[1]:-} =~ ^[0-9]+$ ]] \
    || { echo "train-pair: each run's arguments start with --run N, got '$1'" >&2; return 1; }
  echo "${words[1]}"
}
a=$(run_number "$2") && b=$(run_number "$3") || exit 2
[[ $a != "$b" ]] || { echo "train-pair: the two runs need different --run numbers" >&2; exit 2; }
tar xJf .device/gpu/jdk.txz  # once, before the two trainings would both unpack it

pids=()
for spec in "$a|$2" "$b|$3"; do
  run=${spec%%|*}
  read -r -a own <<< "${spec#*|}"
  OUT=$OUT/$run KVRAG_TRAIN_DIR=/tmp/kvrag-demo-$run \
    bash bench/device/train-demo.sh "${common[@]}" "${own[@]}" > "/tmp/train-pair-$run.out" 2>&1 &
  pids+=($!)
done
codes=()
for pid in "${pids[@]}"; do wait "$pid"; codes+=($?); done
echo "train-pair: training exits: run $a ${codes[0]}, run $b ${codes[1]}"
failed=$(( codes[0] != 0 || codes[1] != 0 ))

# the parity tests read models/demo; the working tree here is a copy, the committed model stays as it is at home
for run in "$a" "$b"; do
  work=/tmp/kvrag-demo-$run
  if [[ ! -f $work/model/config.json ]]; then
    echo "train-pair: run $run made no model: no parity"; tail -20 "/tmp/train-pair-$run.out"; failed=1; continue
  fi
  rm -rf models/demo && cp -r "$work/model" models/demo
  OUT=$work/checks bash bench/device/gpu-check.sh --tests dev.kvrag.engine.compute.cuda.CudaDemoModelTest \
    > /dev/null 2>&1
  parity=$?
  (( parity == 0 )) || failed=1
  echo "train-pair: run $run parity exit $parity: $(grep -h 'GPU CHECK' "$work/checks/gpu-check.log" | tail -1)"
  grep -A2 'exact match' "$OUT/$run/train.log" | tail -3
  mv "$OUT/$run/train.log" "$work/train.log"
  tar czf "$OUT/$run/demo-rest.tgz" -C "$work" --exclude='*.safetensors' --exclude=data --exclude=prev .
done
ls -la "$OUT"/*
# non-zero when either training or either parity failed (each one's exit is printed above)
exit $failed
