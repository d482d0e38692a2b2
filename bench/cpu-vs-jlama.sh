#!/usr/bin/env bash
# CPU speed of the kvrag engine side by side with Jlama 0.8.4: the same checkpoint (random bf16
# weights at Qwen2.5-0.5B shape, written on first use, git-ignored), the same prompt ids, the same
# number of decode steps and threads. The engines run alternately, each round in a fresh JVM on the
# same JDK and GC, and one Markdown table is printed at the end (also kept in bench/target/cpu-vs-jlama/).
#
#   bench/cpu-vs-jlama.sh [--model DIR] [--prompt-tokens 256] [--gen-tokens 64] [--threads 2]
#                         [--rounds 3] [--seed 42] [--jlama-ops both|native|panama] [--profile] [--nice N]
#
# Our side is `./kvrag bench-engine --model DIR --prompt-tokens N --gen-tokens N --threads N`, plus
# `--ids-file FILE` when its --help mentions that option (KVRAG_LAUNCHER overrides ./kvrag).
# Jlama runs with its C kernels (jlama-native) and with its Vector API code, each a row; our row is
# compared with the faster of the two per phase (--jlama-ops picks one).
# --profile adds one more engine run with `--profile` after the table: where our time goes, per operation.
# --nice N runs both engines under `nice -n N` (N < 0 needs root): on a machine others share, both
# sides then get most of the cores they ask for; the table says so.
#
# Jlama is built from bench/peers/jlama/pom.xml, a project outside the Maven reactor, so CI never
# resolves it. Jlama 0.8.4's classes are Java 20 class files without preview features, and
# jlama-native is a multi-release jar whose Java 22 classes use the final FFM API: JDK 25 runs both.
# Exit status: 0 when both engines were measured, 1 when one was not (the table says why), 2 for
# bad usage.
set -euo pipefail

cd "$(dirname "$0")/.."

MODEL=models/random/qwen2.5-0.5b
PROMPT_TOKENS=256
GEN_TOKENS=64
THREADS=2
ROUNDS=3
SEED=42
JLAMA_OPS=both
PROFILE=0
RUN_PREFIX=()

die() { echo "cpu-vs-jlama: $*" >&2; exit 2; }
say() { echo "cpu-vs-jlama: $*" >&2; }
positive() { [[ "$2" =~ ^[1-9][0-9]*$ ]] || die "$1 needs a positive integer, got '$2'"; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --model) [[ -n "${2:-}" ]] || die "--model needs a directory"; MODEL=$2; shift 2 ;;
    --prompt-tokens) positive "$1" "${2:-}"; PROMPT_TOKENS=$2; shift 2 ;;
    --gen-tokens) positive "$1" "${2:-}"; GEN_TOKENS=$2; shift 2 ;;
    --threads) positive "$1" "${2:-}"; THREADS=$2; shift 2 ;;
    --rounds) positive "$1" "${2:-}"; ROUNDS=$2; shift 2 ;;
    --seed) [[ "${2:-}" =~ ^-?[0-9]+$ ]] || die "--seed needs an integer, got '${2:-}'"; SEED=$2; shift 2 ;;
    --jlama-ops)
      [[ "${2:-}" =~ ^(native|panama|both)$ ]] || die "--jlama-ops must be native, panama or both, got '${2:-}'"
      JLAMA_OPS=$2; shift 2 ;;
    --profile) PROFILE=1; shift ;;
    --nice)
      [[ "${2:-}" =~ ^-?[0-9]+$ ]] && ((${2} >= -20 && ${2} <= 19)) || die "--nice needs an integer from -20 to 19, got '${2:-}'"
      RUN_PREFIX=(nice -n "$2"); shift 2 ;;
    -h|--help) sed -n '2,/^set /{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done

# --- JDK: JAVA_HOME when it is 25 or newer, else the newest such JDK under /usr/lib/jvm ----------------
jdk_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" && "$(jdk_major "$JAVA_HOME")" -ge 25 ]]; then
  :
else
  JAVA_HOME=""
  for d in /usr/lib/jvm/*; do
    [[ -x "$d/bin/java" ]] || continue
    v=$(jdk_major "$d"); [[ -n "$v" && "$v" -ge 25 ]] || continue
    if [[ -z "$JAVA_HOME" || "$v" -gt "$(jdk_major "$JAVA_HOME")" ]]; then JAVA_HOME=$d; fi
  done
  [[ -n "$JAVA_HOME" ]] || die "no JDK 25 or newer found (set JAVA_HOME, or install Temurin 25 under /usr/lib/jvm)"
fi
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"
JVM_FLAGS=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC -Xmx4g)

WORK=bench/target/cpu-vs-jlama
mkdir -p "$WORK"
rm -f "$WORK"/*.out "$WORK"/*.err

mvn_quiet() { # offline first; online when something is missing from the local repository
  ./mvnw -q -B -o "$@" >"$WORK/mvn.log" 2>&1 || ./mvnw -q -B "$@" >"$WORK/mvn.log" 2>&1 \
    || { tail -n 30 "$WORK/mvn.log" >&2; die "build failed: ./mvnw $*"; }
}

# --- builds -----------------------------------------------------------------------------------
say "building bench (checkpoint writer, prompt ids, table)"
mvn_quiet -pl bench -am compile dependency:build-classpath \
  -Dmdep.outputFile=target/cpu-vs-jlama.classpath -DincludeScope=runtime
BENCH_CP="bench/target/classes:$(cat bench/target/cpu-vs-jlama.classpath)"

say "building the Jlama runner (bench/peers/jlama)"
mvn_quiet -f bench/peers/jlama/pom.xml compile dependency:build-classpath \
  -Dmdep.outputFile=target/runtime.classpath -DincludeScope=runtime
JLAMA_CP="bench/peers/jlama/target/classes:$(cat bench/peers/jlama/target/runtime.classpath)"

# --- checkpoint and prompt ---------------------------------------------------------------------
if [[ ! -f "$MODEL/model.safetensors" ]]; then
  say "writing the random checkpoint to $MODEL (about 1 GB, once)"
  "$JAVA" -cp "$BENCH_CP" dev.kvrag.bench.checkpoint.PeerCheckpoint --out "$MODEL"
fi
[[ -f "$MODEL/config.json" ]] || die "$MODEL has model.safetensors but no config.json"
IDS="$WORK/prompt-ids.txt"
"$JAVA" -cp "$BENCH_CP" dev.kvrag.bench.peers.PromptIds --model "$MODEL" --count "$PROMPT_TOKENS" --seed "$SEED" --out "$IDS"

# --- the two sides -----------------------------------------------------------------------------
# Jlama's own launcher flags (run-cli.sh): no Vector API bounds checks, its inlining directive, aligned
# vectors. Both sides get the same JDK, GC and thread count.
JLAMA_FLAGS=(-Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0 --add-opens=jdk.incubator.vector/jdk.incubator.vector=ALL-UNNAMED
  --add-exports java.base/sun.nio.ch=ALL-UNNAMED -XX:+UnlockDiagnosticVMOptions
  -XX:CompilerDirectivesFile=bench/peers/jlama/inline-rules.json -XX:+AlignVector -XX:+UseStringDeduplication
  -Djava.util.concurrent.ForkJoinPool.common.parallelism=$((THREADS > 1 ? THREADS - 1 : 1)))
case $JLAMA_OPS in
  both) JLAMA_CONFIGS=(native panama) ;;
  *) JLAMA_CONFIGS=("$JLAMA_OPS") ;;
esac
declare -A JLAMA_LABEL=([native]="Jlama 0.8.4, native ops" [panama]="Jlama 0.8.4, Panama ops")
run_jlama() { # $1 = native|panama, $2 = round
  "${RUN_PREFIX[@]}" "$JAVA" "${JVM_FLAGS[@]}" "${JLAMA_FLAGS[@]}" \
    -Djlama.force_panama_tensor_operations=$([[ $1 == panama ]] && echo true || echo false) \
    -cp "$JLAMA_CP" dev.kvrag.peers.jlama.JlamaSpeed --model "$MODEL" --ids-file "$IDS" \
    --prompt-tokens "$PROMPT_TOKENS" --gen-tokens "$GEN_TOKENS" --threads "$THREADS" \
    --warmup 1 --runs 2 >"$WORK/jlama-$1-$2.out" 2>"$WORK/jlama-$1-$2.err"
}

KVRAG=${KVRAG_LAUNCHER:-./kvrag}
ENGINE_ARGS=(bench-engine --model "$MODEL" --prompt-tokens "$PROMPT_TOKENS" --gen-tokens "$GEN_TOKENS" --threads "$THREADS")
NOTES=()
ENGINE_ERROR=""
ENGINE_OWN_IDS=0
if [[ ! -x "$KVRAG" ]]; then
  ENGINE_ERROR="the launcher $KVRAG is not there"
elif "$KVRAG" bench-engine --help 2>&1 | grep -q -- '--ids-file'; then
  ENGINE_ARGS+=(--ids-file "$IDS")
else
  ENGINE_OWN_IDS=1
fi
run_engine() { # $1 = round
  "${RUN_PREFIX[@]}" "$KVRAG" "${ENGINE_ARGS[@]}" >"$WORK/engine-$1.out" 2>"$WORK/engine-$1.err"
}

last_error() { # the last line of a stderr file that says something: no JVM warnings, log lines or stack frames
  { grep -v -e '^WARNING' -e '^\[main\] INFO' -e '^[[:space:]]*at ' -e '^[[:space:]]*\.\.\. [0-9]* more' \
      -e 'compiler directives added' "$1" || true; } | tail -n 1
}
declare -A JLAMA_OUT=() JLAMA_ERROR=()
ENGINE_OUT=()
jlama_side() { # $1 = round
  local r=$1 ops
  for ops in "${JLAMA_CONFIGS[@]}"; do
    [[ -z "${JLAMA_ERROR[$ops]:-}" ]] || continue
    say "round $r/$ROUNDS: ${JLAMA_LABEL[$ops]}"
    if run_jlama "$ops" "$r"; then JLAMA_OUT[$ops]+="${JLAMA_OUT[$ops]:+,}$WORK/jlama-$ops-$r.out"
    else JLAMA_ERROR[$ops]="round $r failed: $(last_error "$WORK/jlama-$ops-$r.err")"; fi
  done
}
engine_side() { # $1 = round
  local r=$1
  [[ -z "$ENGINE_ERROR" ]] || return 0
  say "round $r/$ROUNDS: kvrag engine"
  if run_engine "$r"; then ENGINE_OUT+=("$WORK/engine-$r.out")
  else ENGINE_ERROR="round $r failed: $(last_error "$WORK/engine-$r.err")"; fi
}

LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
for ((r = 1; r <= ROUNDS; r++)); do
  # Alternate who goes first, so neither side always inherits the other's cache and thermal state.
  if ((r % 2 == 1)); then jlama_side "$r"; engine_side "$r"; else engine_side "$r"; jlama_side "$r"; fi
done
LOAD_AFTER=$(cut -d' ' -f1 /proc/loadavg)

join() { local IFS=,; echo "$*"; }
TABLE_ARGS=(--model "$MODEL" --prompt-tokens "$PROMPT_TOKENS" --gen-tokens "$GEN_TOKENS" --threads "$THREADS"
  --engine "$(join "${ENGINE_OUT[@]}")" --load-before "$LOAD_BEFORE" --load-after "$LOAD_AFTER")
for ops in "${JLAMA_CONFIGS[@]}"; do
  TABLE_ARGS+=(--jlama "${JLAMA_LABEL[$ops]}=${JLAMA_OUT[$ops]:-}")
  [[ -z "${JLAMA_ERROR[$ops]:-}" ]] || TABLE_ARGS+=(--jlama-error "${JLAMA_LABEL[$ops]}=${JLAMA_ERROR[$ops]}")
done
[[ -z "$ENGINE_ERROR" ]] || TABLE_ARGS+=(--engine-error "$ENGINE_ERROR")
if ((ENGINE_OWN_IDS)) && [[ -z "$ENGINE_ERROR" ]]; then
  NOTES+=("kvrag bench-engine takes no --ids-file, so it drew its own $PROMPT_TOKENS prompt ids; which ids does not change the work done")
fi
if ((${#RUN_PREFIX[@]})); then
  NOTES+=("both engines ran under '${RUN_PREFIX[*]}', so other work on the machine took less of their cores")
fi
for n in "${NOTES[@]}"; do TABLE_ARGS+=(--note "$n"); done

status=0
"$JAVA" -cp "$BENCH_CP" dev.kvrag.bench.peers.SpeedTable "${TABLE_ARGS[@]}" | tee "$WORK/table.md" || status=${PIPESTATUS[0]}
if ((PROFILE)) && [[ -z "$ENGINE_ERROR" ]]; then
  say "profiling the kvrag engine (one more run, not in the table)"
  if "$KVRAG" "${ENGINE_ARGS[@]}" --profile >"$WORK/engine-profile.out" 2>"$WORK/engine-profile.err"; then
    echo
    sed -n '/^where .* time goes:/,$p' "$WORK/engine-profile.out" | tee -a "$WORK/table.md"
  else
    say "the profile run failed: $(last_error "$WORK/engine-profile.err")"
  fi
fi
exit "$status"
