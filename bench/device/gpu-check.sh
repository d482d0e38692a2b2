#!/usr/bin/env bash
# Runs ON THE GPU MACHINE, in one device call (< 9 minutes): the CUDA backend's correctness tests, then the GPU
# benchmarks of issue 7, everything written to $OUT (logs + JSON, at most 6 files):
#   1. random Llama-3.1-8B-shape bf16 weights made with torch on the GPU, saved as safetensors to local disk (not
#      returned), and HF transformers on them (sdpa, bf16): prefill at 512/2k/8k, decode, torch's own ceilings
#      (bench/device/hf_bench.py -> hf.json)
#   2. the CUDA tests without Maven (GpuTestRunner: CUDA vs CPU on the exactness and fusion fixtures, every kernel
#      path, KV storage) -> tests.log
#   3. ./kvrag bench-gpu on the same weights: prefill vs the cuBLAS floor, decode vs the bandwidth roofline,
#      CACHEBLEND@0.15 TTFT vs FULL with 6 x 512-token chunks' KV in page-locked host memory -> ours.json
#   4. the table against the targets (bench/device/gpu_summary.py) -> summary.txt, summary.json
#
# Here, first:    bench/device/stage-gpu.sh          (makes .device/gpu: Java runtime, jars, classpath)
# The call:       run(command="bash bench/device/gpu-check.sh", carry=[".device/gpu"], timeout_s=590)
# Quicker:        bash bench/device/gpu-check.sh --quick   (512 and 2048 tokens, fewer runs)
# bf16 KV cache:  KVRAG_JAVA_OPTS=-Dkvrag.cuda.kv=bf16 bash bench/device/gpu-check.sh --quick   (f16 is the default)
# Repeated:       bash bench/device/gpu-check.sh --extra-runs 4   (then 4 more bench-gpu runs at 512 tokens on the same
#                 weights, for the spread of the TTFT and decode figures: extra-N.log, one line each in the log)
# Tests only:     bash bench/device/gpu-check.sh --tests CLASS[,CLASS...]   (step 2 alone, with those test classes:
#                 train-and-check.sh's parity of a model it has just trained)
# A step that fails does not stop the later ones (each is bounded in time); the last line says what passed.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
quick=0
extra=0
tests=
while (( $# )); do
  case $1 in
    --quick) quick=1 ;;
    --extra-runs) extra=${2:-}; shift
      [[ $extra =~ ^[0-9]+$ ]] || { echo "gpu-check: --extra-runs needs a count" >&2; exit 2; } ;;
    --tests) tests=${2:-}; shift
      [[ -n $tests ]] || { echo "gpu-check: --tests needs test class names (comma-separated)" >&2; exit 2; } ;;
    *) echo "gpu-check: unknown argument '$1' (--quick, --extra-runs N, --tests CLASS,...)" >&2; exit 2 ;;
  esac
  shift
done
OUT=${OUT:-/tmp/kvrag-gpu-check}
mkdir -p "$OUT"
exec > >(tee -a "$OUT/gpu-check.log") 2>&1
fail() { echo "gpu-check: $*"; echo "GPU CHECK: environment problem, nothing measured"; exit 2; }
step() { echo; echo "== $(date +%T) $*"; }

# -- the environment, checked before any work --
[[ -f .device/gpu/jdk.txz && -f .device/gpu/classpath.txt ]] \
  || fail ".device/gpu is missing or incomplete: run bench/device/stage-gpu.sh here and carry .device/gpu"
command -v nvidia-smi >/dev/null || fail "no nvidia-smi: not a GPU machine"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || fail "nvidia-smi sees no GPU"
for d in /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib; do
  [[ -d $d ]] && export LD_LIBRARY_PATH=$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
done
ls /usr/local/cuda/lib64/libcublas.so.13 /usr/local/cuda/lib64/libnvrtc.so.13 2>/dev/null \
  || echo "gpu-check: note: libcublas.so.13 / libnvrtc.so.13 not under /usr/local/cuda/lib64; relying on the linker"
python3 -c "import torch, transformers; assert torch.cuda.is_available(); print('torch', torch.__version__, \
'transformers', transformers.__version__, torch.cuda.get_device_name(0))" || fail "python3 lacks torch with CUDA"
rm -rf .jdk-device && tar xJf .device/gpu/jdk.txz || fail "cannot unpack .device/gpu/jdk.txz"
JAVA=$ROOT/.jdk-device/bin/java
"$JAVA" -version 2>&1 | head -1 || fail "the carried Java runtime does not start"
CP=$(sed "s|\.device/|$ROOT/.device/|g" .device/gpu/classpath.txt)
JOPTS=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC -Xmx16g)
# e.g. KVRAG_JAVA_OPTS=-Dkvrag.cuda.kv=bf16: the tests and our benchmarks with the KV cache in bf16
read -r -a extra_opts <<< "${KVRAG_JAVA_OPTS:-}"
JOPTS+=("${extra_opts[@]}")
(( ${#extra_opts[@]} )) && echo "gpu-check: Java options added: ${extra_opts[*]}"
export PYTHONUNBUFFERED=1
MODEL=/tmp/kvrag-llama8b
status=()

if (( quick )); then
  HF_ARGS=(--prefill 512,2048 --runs 2 --decode-tokens 16)
  BENCH_ARGS=(--quick)
else
  HF_ARGS=(--prefill 512,2048,8192 --runs 3 --decode-tokens 64)
  BENCH_ARGS=()
fi

# step 2: GpuTestRunner runs its own list of classes unless given some
run_tests() {
  if (cd engine && timeout 260 "$JAVA" "${JOPTS[@]}" -cp "$CP" dev.kvrag.engine.compute.cuda.GpuTestRunner "$@") \
      > "$OUT/tests.log" 2>&1; then
    status+=("tests: passed")
  else
    status+=("tests: FAILED ($?)")
  fi
  grep -E "^(FAILED|ABORTED|SKIPPED)|GPU TESTS|worst row error|greedy on the GPU|question logits|CUDA tests on|demo model|logits L2 worst" \
    "$OUT/tests.log" | head -60
}

if [[ -n $tests ]]; then
  step "2/4 only: CUDA tests ${tests//,/ } (GpuTestRunner)"
  run_tests ${tests//,/ }
  echo
  echo "GPU CHECK: ${status[*]}"
  [[ ${status[*]} == "tests: passed" ]]
  exit
fi

step "1/4 random Llama-3.1-8B-shape weights and HF transformers (hf_bench.py)"
rm -rf "$MODEL"
if timeout 200 python3 bench/device/hf_bench.py --model-dir "$MODEL" --out "$OUT/hf.json" "${HF_ARGS[@]}"; then
  status+=("hf: ok")
else
  status+=("hf: FAILED ($?)")
fi

step "2/4 CUDA correctness tests (GpuTestRunner)"
run_tests

step "3/4 ./kvrag bench-gpu on the same weights"
if [[ -f $MODEL/config.json ]]; then
  if timeout 170 "$JAVA" "${JOPTS[@]}" -cp "$CP" dev.kvrag.engine.cli.EngineCli bench-gpu --model "$MODEL" \
      --json "$OUT/ours.json" "${BENCH_ARGS[@]}"; then
    status+=("bench-gpu: ok")
  else
    status+=("bench-gpu: FAILED ($?)")
  fi
else
  status+=("bench-gpu: not run (no model from step 1)")
fi

step "4/4 summary"
python3 bench/device/gpu_summary.py "$OUT/hf.json" "$OUT/ours.json" "$OUT/summary.json" | tee "$OUT/summary.txt"
for (( i = 1; i <= extra; i++ )); do
  [[ -f $MODEL/config.json ]] || break
  step "extra bench-gpu run $i of $extra (512 tokens)"
  timeout 100 "$JAVA" "${JOPTS[@]}" -cp "$CP" dev.kvrag.engine.cli.EngineCli bench-gpu --model "$MODEL" \
    --prefill 512 --decode-tokens 16 > "$OUT/extra-$i.log" 2>&1
  grep -E "below FULL|^decode:" "$OUT/extra-$i.log"
done
[[ -n ${KVRAG_KEEP_MODEL:-} ]] || rm -rf "$MODEL"  # kept for a later command of the same call (A/B runs)
echo
echo "GPU CHECK: ${status[*]}"
