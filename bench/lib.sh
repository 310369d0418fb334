# Shared helpers of the benchmark scripts: build, start and stop the fake Civitai, time runs,
# take medians. Sourced by bench/*.sh, not run on its own.
#
# After `bench_init`, these are set:
#   ROOT      the repository
#   CIVIMG    the release civimg binary, or $CIVIMG_BIN when set (to measure another build)
#   FAKE_BIN  the release fake-civitai binary (the civimg-fake crate in fake/)
#   WORK      a temporary directory, removed on exit (under $BENCH_TMP when set)
# After `start_fake ARGS…`: API (the fake's API base URL), FAKE_PID.

# Failures inside $(…) stop the script too.
shopt -s inherit_errexit

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CIVIMG=${CIVIMG_BIN:-"$ROOT/target/release/civimg"}
FAKE_BIN="$ROOT/target/release/fake-civitai"
WORK=""
FAKE_PID=""
API=""

# Stop the fake (only the process this script started) and remove the temporary directory.
bench_cleanup() {
    stop_fake
    if [[ -n "$WORK" && -d "$WORK" ]]; then
        rm -rf "$WORK"
    fi
}

# Build both release binaries, make the work directory and arm the cleanup trap.
bench_init() {
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
    for tool in curl jq python3 /usr/bin/time; do
        command -v "$tool" >/dev/null || { echo "bench: $tool is required" >&2; exit 1; }
    done
    echo "building release binaries…" >&2
    (cd "$ROOT" && cargo build --release --quiet --bin civimg --bin fake-civitai)
    WORK=$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/civimg-bench.XXXXXX")
}

# Start the fake on free loopback ports with the given flags; wait until it prints its URLs.
start_fake() {
    "$FAKE_BIN" --port 0 --image-port 0 --fallback-port 0 "$@" >"$WORK/fake.out" 2>"$WORK/fake.err" &
    FAKE_PID=$!
    local waited=0
    until grep -q '^images on ' "$WORK/fake.out" 2>/dev/null; do
        if ! kill -0 "$FAKE_PID" 2>/dev/null; then
            echo "bench: the fake server exited:" >&2
            cat "$WORK/fake.err" >&2
            FAKE_PID=""
            exit 1
        fi
        if ((waited >= 600)); then
            echo "bench: the fake server did not start within 60 s" >&2
            exit 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    API=$(sed -n 's/^fake Civitai API on //p' "$WORK/fake.out")
}

# Stop the running fake (before starting another one).
stop_fake() {
    if [[ -n "$FAKE_PID" ]]; then
        kill "$FAKE_PID" 2>/dev/null || true
        wait "$FAKE_PID" 2>/dev/null || true
        FAKE_PID=""
    fi
}

# Forget the fake's request log and counters' base: POST /__fake/clear.
fake_clear() {
    curl -fsS -X POST "$API/__fake/clear" >/dev/null
}

# Print one field of GET /__fake/stats.
fake_stat() {
    curl -fsS "$API/__fake/stats" | jq -r ".$1"
}

# Seconds since the epoch, with nanoseconds.
now() {
    date +%s.%N
}

# Print B - A (both from `now`) in seconds, three decimals.
elapsed() {
    python3 -c 'import sys; print(f"{float(sys.argv[2]) - float(sys.argv[1]):.3f}")' "$1" "$2"
}

# Print the median of the numbers after the first argument, with that many decimals.
median() {
    local digits=$1
    shift
    python3 -c '
import statistics, sys
print(f"{statistics.median(float(x) for x in sys.argv[2:]):.{int(sys.argv[1])}f}")' "$digits" "$@"
}

# Evaluate a Python expression over the given numbers (a, b, c, …) and print the result.
calc() {
    local expr=$1
    shift
    python3 -c "
import sys
a, b, c, d = ([float(x) for x in sys.argv[1:]] + [0.0] * 4)[:4]
print($expr)" "$@"
}

# Peak RSS in MB (10^6 bytes), one decimal, from a `/usr/bin/time -v` report.
peak_rss_mb() {
    local kib
    kib=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$1")
    calc 'f"{a * 1024 / 1e6:.1f}"' "$kib"
}

# `met` when the figure A is below the goal B, else `MISSED`.
verdict() {
    calc "'met' if a < b else 'MISSED'" "$1" "$2"
}

# One line about the machine the figures come from.
machine() {
    local cpu
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
    echo "machine: $(nproc) CPUs ($cpu), $(uname -sr), $(rustc --version 2>/dev/null || echo rustc ?)"
}
