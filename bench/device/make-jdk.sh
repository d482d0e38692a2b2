#!/usr/bin/env bash
# Builds the Java runtime that travels to the GPU machine (it has no Java): a jlink'd JDK 25 with the
# modules the engine and the benchmarks need, packed as .device/jdk.tgz (git-ignored; ~28 MB, under
# the device tool's 64 MiB carry limit). On the device: `tar xzf .device/jdk.tgz` gives .jdk-device/.
# --gpu: the engine's modules only, packed as .device/gpu/jdk.txz (~14 MB: jlink leaves the image uncompressed
# and xz packs it far better than jlink's zip), for bench/device/gpu-check.sh; `tar xJf` gives .jdk-device/.
set -euo pipefail
modules=java.base,java.logging,java.management,jdk.unsupported,jdk.incubator.vector,jdk.crypto.ec,java.xml
out=.device/jdk.tgz
jlink_compress=(--compress=zip-9)
tar_pack=czf
if [[ ${1:-} == --gpu ]]; then
  modules=java.base,java.logging,java.management,jdk.unsupported,jdk.incubator.vector,java.xml
  out=.device/gpu/jdk.txz
  jlink_compress=()
  tar_pack=cJf
fi
cd "$(dirname "$0")/../.."
jdk=""
for c in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
  [ -x "$c/bin/jlink" ] || continue
  v=$("$c/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  if [ "${v%%.*}" -ge 25 ] 2>/dev/null; then jdk=$c; break; fi
done
[ -n "$jdk" ] || { echo "make-jdk: no JDK >= 25 with jlink found (JAVA_HOME or /usr/lib/jvm); install Temurin 25" >&2; exit 2; }
rm -rf .jdk-device && mkdir -p "$(dirname "$out")"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages "${jlink_compress[@]}" \
  --output .jdk-device 2>&1 | grep -v "incubator modules" || true
tar "$tar_pack" "$out" .jdk-device && rm -rf .jdk-device
ls -la "$out"
