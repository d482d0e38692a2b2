#!/usr/bin/env bash
# Stages here what bench/device/gpu-check.sh needs on the GPU machine, under .device/gpu/ (git-ignored):
#   .device/gpu/jdk.txz        the jlink'd Java runtime with the engine's modules (make-jdk.sh --gpu, ~14 MB)
#   .device/gpu/*.jar          the engine's classes, its tests' classes (without resources: the tests read the
#                              fixtures from the working tree, which travels anyway), their dependency jars, and
#                              JCuda's native jar cut down to the driver library (the rest is 24 MB unpacked)
#   .device/gpu/classpath.txt  the classpath, relative to the repository root
# With --with-bench, also the bench module's jar and .device/gpu/classpath-bench.txt, the demo model's data exporter
# over those same jars: one carry then serves a training and the GPU tests in one call (train-and-check.sh), so one
# machine start does both (a second start may not come: session 10 found none in 15 calls).
# Then the device call:  run(command="bash bench/device/gpu-check.sh", carry=[".device/gpu"], timeout_s=590)
# The working tree travels too: tracked files plus .device/gpu must stay under the tool's 64 MiB (printed below).
set -euo pipefail
cd "$(dirname "$0")/../.."
with_bench=0
case ${1:-} in
  '') ;;
  --with-bench) with_bench=1 ;;
  *) echo "stage-gpu: unknown argument '$1' (--with-bench)" >&2; exit 2 ;;
esac
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
./mvnw -q -B -o install -DskipTests -pl "$( (( with_bench )) && echo bench || echo engine)" -am
./mvnw -q -B -o -pl engine test-compile
./mvnw -q -B -o -pl engine dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$PWD/engine/target/gpu-classpath.txt"
dest=.device/gpu
rm -rf "$dest" && mkdir -p "$dest"
cp engine/target/engine-*-SNAPSHOT.jar "$dest/engine.jar"
(cd engine/target/test-classes && find . -name '*.class' | jar cf "../../../$dest/engine-tests.jar" @/dev/stdin)
tr ':' '\n' < engine/target/gpu-classpath.txt | while read -r jar; do
  [[ -n $jar ]] || continue
  if [[ $(basename "$jar") == jcuda-natives-* ]]; then
    python3 - "$jar" "$dest/$(basename "$jar")" <<'PY'
import sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
    for item in zin.infolist():
        if item.filename.startswith("lib/") and "JCudaDriver" not in item.filename and not item.is_dir():
            continue
        zout.writestr(item, zin.read(item.filename))
PY
  else
    cp "$jar" "$dest/"
  fi
done
ls "$dest"/*.jar | paste -sd: > "$dest/classpath.txt"
if (( with_bench )); then
  cp bench/target/bench-*-SNAPSHOT.jar "$dest/bench.jar"
  # the exporter runs without the tests' jars and JCuda
  grep -Ev '/(engine-tests|junit-|opentest4j|apiguardian|jcuda)' <(tr ':' '\n' < "$dest/classpath.txt") \
    | cat - <(echo "$dest/bench.jar") | paste -sd: > "$dest/classpath-bench.txt"
fi
bench/device/make-jdk.sh --gpu
# tracked files moved aside (the carry limit) are skipped: du fails on them, which must not stop the script
tracked=$({ git ls-files -z | xargs -0 du -cb 2>/dev/null || true; } | tail -1 | cut -f1)
others=$(git ls-files --others --exclude-standard -z | xargs -0 -r du -cb 2>/dev/null | tail -1 | cut -f1)
carried=$(du -cb "$dest" | tail -1 | cut -f1)
total=$(( (tracked + ${others:-0} + carried) / 1048576 ))
echo "travels: working tree $(( (tracked + ${others:-0}) / 1048576 )) MiB + $dest $(( carried / 1048576 )) MiB = $total MiB (limit 64)"
(( total < 64 )) || { echo "stage-gpu: over the device tool's 64 MiB: carry less (models/tokenizers/*/tokenizer.json.gz" \
  "can go aside: neither the GPU tests nor the training read them) or ignore large untracked files" >&2; exit 1; }
echo "staged: carry $dest; on the GPU machine: bash bench/device/$( (( with_bench )) \
  && echo "train-and-check.sh --continue --run N [train.py args]" || echo "gpu-check.sh [--quick]")"
