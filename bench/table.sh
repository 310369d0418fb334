#!/usr/bin/env bash
# Measures the tables people read (cells are cut to their column before layout, so the time
# is linear in the input):
#   1. `civimg meta LONG.png` at 80 columns, LONG.png holding a 128K-character prompt and a
#      128K-character negative prompt without a space.   Goal: < 50 ms.
#   2. `civimg list --format table --fields id,meta.prompt --max ITEMS` at 80 columns against
#      the fake (10 pages of 200).   For reference, the same walk as JSON lines.
# Each measurement runs RUNS times (default 3); the median is the figure, all runs are shown.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-3}
ITEMS=${ITEMS:-2000}
META_GOAL_MS=50

bench_init

python3 - "$WORK/long.png" <<'PY'
import struct, sys, zlib

def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

text = "x" * 131072 + "\nNegative prompt: " + "y" * 131072 + "\nSteps: 20, Seed: 1, Size: 1x1"
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
png += chunk(b"tEXt", b"parameters\0" + text.encode())
png += chunk(b"IDAT", zlib.compress(b"\0\0")) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
PY

machine
runs=()
for _ in $(seq "$RUNS"); do
    t0=$(now)
    COLUMNS=80 "$CIVIMG" meta "$WORK/long.png" >"$WORK/meta.out"
    t1=$(now)
    runs+=("$(calc 'a * 1000' "$(elapsed "$t0" "$t1")")")
done
ms=$(median 1 "${runs[@]}")
lines=$(wc -l <"$WORK/meta.out")
echo "meta table of a 2 × 128K-character prompt: ${ms} ms (runs: ${runs[*]} ms), $lines lines"
if [[ $(calc "int(a < $META_GOAL_MS)" "$ms") == 1 ]]; then
    echo "  goal < ${META_GOAL_MS} ms: met"
else
    echo "  goal < ${META_GOAL_MS} ms: NOT met"
fi

start_fake
for format in table jsonl; do
    runs=()
    for _ in $(seq "$RUNS"); do
        t0=$(now)
        COLUMNS=80 "$CIVIMG" --base-url "$API" list --nsfw x --limit 200 --max "$ITEMS" \
            --format "$format" --fields id,meta.prompt >/dev/null
        t1=$(now)
        runs+=("$(elapsed "$t0" "$t1")")
    done
    echo "list --format $format --fields id,meta.prompt, $ITEMS items: $(median 3 "${runs[@]}") s (runs: ${runs[*]} s)"
done
