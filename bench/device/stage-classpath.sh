#!/usr/bin/env bash
# Copies a module's runtime classpath (its classes as a jar + dependency jars) into .device/lib/<module>/
# so that it travels to the GPU machine with `carry: [".device"]`; prints the classpath to use there.
set -euo pipefail
cd "$(dirname "$0")/../.."
module=${1:-bench}
./kvrag help >/dev/null 2>&1 || true
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
./mvnw -q -B -o install -DskipTests -pl "$module" -am
./mvnw -q -B -o -pl "$module" dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$PWD/$module/target/kvrag-classpath.txt"
dest=.device/lib/$module
rm -rf "$dest" && mkdir -p "$dest"
cp "$module"/target/"$module"-*.jar "$dest/"
tr ':' '\n' < "$module/target/kvrag-classpath.txt" | while read -r jar; do [ -n "$jar" ] && cp "$jar" "$dest/"; done
ls "$dest" | sed "s|^|$dest/|" | paste -sd: > .device/classpath-$module.txt
du -sh "$dest"
echo "classpath file: .device/classpath-$module.txt"
