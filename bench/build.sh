# Sourced by bench/run and bench/jmh: builds target/bitspike-bench.jar when it is missing or older
# than any main source or pom of the reactor. Build output goes to stderr so stdout stays JSON.
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT_DIR=$(dirname "$BENCH_DIR")
BENCH_JAR="$BENCH_DIR/target/bitspike-bench.jar"
JAVA_BIN="${JAVA_HOME:+$JAVA_HOME/bin/}java"

bench_build_if_stale() {
    local stale=""
    if [[ ! -f "$BENCH_JAR" ]]; then
        stale="missing"
    else
        stale=$(find "$ROOT_DIR" \( -name target -o -name .git -o -name node_modules \) -prune -o \
            -type f \( -path '*/src/main/*' -o -name pom.xml \) -newer "$BENCH_JAR" -print -quit)
    fi
    if [[ -n "$stale" ]]; then
        echo "bench: building $BENCH_JAR (${stale#"$ROOT_DIR"/} is newer or missing)" >&2
        (cd "$ROOT_DIR" && mvn -B -q -pl bench -am package -DskipTests) >&2 || {
            echo "bench: build failed (mvn -q -pl bench -am package -DskipTests in $ROOT_DIR)" >&2
            exit 2
        }
    fi
}
