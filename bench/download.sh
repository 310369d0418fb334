#!/usr/bin/env bash
# Measures `civimg download -j 8` against `curl --parallel --parallel-max 8` on the same files:
# 400 originals of 256 KiB each from the fake Civitai, every body starting after a 20 ms delay.
# The 400 items are listed once beforehand (`list --format jsonl`) and fed with `--input`, so
# only the downloads are timed, for both tools. Both must leave 400 files of 262 144 bytes.
# Goal (issue 19): civimg's wall time <= 1.05 x curl's.
# RUNS rounds (default 3), civimg then curl in each; the medians are the figures.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-3}
FILES=${FILES:-400}
SIZE=${SIZE:-262144}
DELAY_MS=${DELAY_MS:-20}
JOBS=8
GOAL_RATIO=1.05

bench_init

# Half again as many items as needed: --nsfw x still hides the fake's blocked items (level 32).
start_fake --images $((FILES * 3 / 2)) --image-size "$SIZE" --first-byte-delay-ms "$DELAY_MS"

"$CIVIMG" --quiet --base-url "$API" list --limit 200 --nsfw x --max "$FILES" --format jsonl \
    >"$WORK/items.jsonl"

# curl's config: each item's url with its variant segment (`width=450`, …) made `original=true`,
# as civimg does (src/fetch/original.rs), saved as DIR/<id>.
# Usage: curl_config DIR
curl_config() {
    jq -r --arg dir "$1" '
        (.url | split("/")) as $s
        | ($s | length) as $n
        | (if ($s[$n - 2] | contains("=")) then $s[:$n - 2] + ["original=true", $s[$n - 1]] else $s end)
        | "url = \"\(join("/"))\"\noutput = \"\($dir)/\($s[$n - 1] | sub("\\.[^.]*$"; ""))\""
    ' "$WORK/items.jsonl"
}

# Fail unless DIR holds exactly FILES regular files of SIZE bytes at its top (no .part left).
# Usage: check_files TOOL DIR
check_files() {
    local all right
    all=$(find "$2" -maxdepth 1 -type f | wc -l)
    right=$(find "$2" -maxdepth 1 -type f -size "${SIZE}c" | wc -l)
    if ((all != FILES || right != FILES)); then
        echo "bench: $1 left $all files, $right of them $SIZE bytes; expected $FILES" >&2
        exit 1
    fi
}

# Time a command, its output kept in WORK/tool.log (shown if it fails); print its wall time.
wall_of() {
    local t0 t1
    t0=$(now)
    if ! "$@" >"$WORK/tool.log" 2>&1; then
        echo "bench: failed: $*" >&2
        cat "$WORK/tool.log" >&2
        exit 1
    fi
    t1=$(now)
    elapsed "$t0" "$t1"
}

civimg_walls=() curl_walls=() ratios=()
for ((run = 1; run <= RUNS; run++)); do
    dir="$WORK/civimg.$run"
    wall=$(wall_of "$CIVIMG" --quiet --base-url "$API" download --input "$WORK/items.jsonl" \
        -o "$dir" -j "$JOBS")
    check_files civimg "$dir"
    civimg_walls+=("$wall")
    rm -rf "$dir"

    dir="$WORK/curl.$run"
    mkdir -p "$dir"
    curl_config "$dir" >"$WORK/curl.cfg"
    wall=$(wall_of curl --fail --no-progress-meter --parallel --parallel-max "$JOBS" \
        --config "$WORK/curl.cfg")
    check_files curl "$dir"
    curl_walls+=("$wall")
    rm -rf "$dir"

    ratios+=("$(calc 'f"{a / b:.2f}"' "${civimg_walls[-1]}" "$wall")")
done
max_transfers=$(fake_stat max_concurrent_transfers)
stop_fake

civimg_wall=$(median 3 "${civimg_walls[@]}")
curl_wall=$(median 3 "${curl_walls[@]}")
ratio=$(calc 'f"{a / b:.2f}"' "$civimg_wall" "$curl_wall")
mib_s() { calc 'f"{c * b / a / 1048576:.1f}"' "$1" "$SIZE" "$FILES"; }
floor=$(calc 'f"{b * (c / 1000) / a:.3f}"' "$JOBS" "$FILES" "$DELAY_MS")

cat <<EOF

== civimg download vs curl --parallel ==
$(machine)
$FILES files of $SIZE bytes, first byte after $DELAY_MS ms, $JOBS at a time; $RUNS rounds: median [all]
(listing done beforehand, not timed; the delays alone need >= $floor s at $JOBS at a time)
  civimg download -j $JOBS  s   $civimg_wall   [${civimg_walls[*]}]   $(mib_s "$civimg_wall") MiB/s
  curl --parallel      s   $curl_wall   [${curl_walls[*]}]   $(mib_s "$curl_wall") MiB/s
  civimg / curl            $ratio   [per round: ${ratios[*]}]   goal <= $GOAL_RATIO: $(calc "'met' if a <= b else 'MISSED'" "$ratio" "$GOAL_RATIO")
  most bodies in flight at once (fake): $max_transfers
EOF
