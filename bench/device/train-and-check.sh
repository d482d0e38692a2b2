#!/usr/bin/env bash
# Runs ON THE GPU MACHINE (device tool), in one call: trains the demo model (train-demo.sh with the given train.py
# arguments), then runs the GPU parity of the model it made against the CPU (CudaDemoModelTest: 100 held-out prompts
# in every fusion mode) and the CUDA fusion fixtures (CudaFuseFixturesTest) through gpu-check.sh --tests, so that a
# model can be judged for adoption without a second machine start. Returns what train-demo.sh returns plus
# gpu-check.log and tests.log.
#
# Here, first:   bench/device/stage-gpu.sh --with-bench   (with models/tokenizers/*/tokenizer.json.gz moved aside)
# The call:      run(command="bash bench/device/train-and-check.sh --continue --run N ... --time-budget 420",
#                    carry=[".device/gpu"], timeout_s=600)
#                Leave the tests about 150 s: the training takes --time-budget seconds from its start.
# Back here:     bench/device/unpack-demo.sh /work/.device/<n>, and tests.log for the parity
set -uo pipefail
cd "$(dirname "$0")/../.."
: "${OUT:?OUT is not set: this script runs on the GPU machine through the device tool}"
[[ -f .device/gpu/classpath-bench.txt ]] \
  || { echo "train-and-check: carry .device/gpu as bench/device/stage-gpu.sh --with-bench makes it" >&2; exit 2; }
bash bench/device/train-demo.sh "$@"
trained=$?
if [[ ! -f /tmp/kvrag-demo/model/config.json ]]; then
  echo "train-and-check: no model came out of the training (exit $trained): no GPU parity to run" >&2
  exit $(( trained ? trained : 1 ))
fi
# the tests read models/demo; the working tree here is a copy, the committed model stays as it is at home
rm -rf models/demo && cp -r /tmp/kvrag-demo/model models/demo
bash bench/device/gpu-check.sh --tests dev.kvrag.engine.compute.cuda.CudaDemoModelTest,dev.kvrag.engine.cli.CudaFuseFixturesTest
tested=$?
echo "train-and-check: training exit $trained, GPU tests exit $tested"
exit $(( trained ? trained : tested ))
