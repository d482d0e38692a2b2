#!/usr/bin/env bash
# Stages here what bench/device/train-and-check.sh needs on the GPU machine, all under .device/gpu/ (git-ignored):
# what stage-gpu.sh stages (Java runtime, engine and test jars, classpath.txt) plus the bench module's jar and
# .device/gpu/classpath-bench.txt, the exporter's classpath over those same jars. One carry then serves the training
# and the GPU parity tests, so one machine start does both (a second start may not come: session 10 found none in
# 15 calls).
# The tool carries 64 MiB in all: with the demo model in the tree, move models/tokenizers/*/tokenizer.json.gz aside
# first (neither the training nor the GPU tests read them) and put them back after the call.
# The call: run(command="bash bench/device/train-and-check.sh --continue --run N [train.py args]",
#               carry=[".device/gpu"], timeout_s=600)
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
bench/device/stage-gpu.sh
./mvnw -q -B -o install -DskipTests -pl bench -am
dest=.device/gpu
cp bench/target/bench-*-SNAPSHOT.jar "$dest/bench.jar"
# the exporter runs without the tests' jars and JCuda
tr ':' '\n' < "$dest/classpath.txt" | grep -Ev '/(engine-tests|junit-|opentest4j|apiguardian|jcuda)' \
  | cat - <(echo "$dest/bench.jar") | paste -sd: > "$dest/classpath-bench.txt"
# du skips the tracked files moved aside: what is left is what travels
tree=$({ git ls-files -z | xargs -0 -r du -cb 2>/dev/null || true; } | tail -1 | cut -f1)
carried=$(du -cb "$dest" | tail -1 | cut -f1)
total=$(( (tree + carried) / 1048576 ))
echo "travels: working tree $(( tree / 1048576 )) MiB + $dest $(( carried / 1048576 )) MiB = $total MiB (limit 64)"
(( total < 64 )) || { echo "stage-train-check: over 64 MiB: move models/tokenizers/*/tokenizer.json.gz aside" >&2; exit 1; }
echo "staged: carry $dest; on the GPU machine: bash bench/device/train-and-check.sh --continue --run N [train.py args]"
