#!/usr/bin/env bash
# Measures `civimg download` of one 1 GiB original from the fake Civitai under /usr/bin/time -v:
# wall time, MB/s and civimg's peak RSS.   Goal: peak RSS < 64 MB.
# civimg's time includes listing the one item (a single small API request). For reference,
# curl fetches the same original to a file: the rate the fake and the disk allow together; then
# `sync FILE` (an fsync) is timed too, since civimg syncs each file before renaming it.
# RUNS rounds (default 3), civimg then curl in each; each file is deleted right after its check.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-3}
SIZE=${SIZE:-1073741824}
RSS_GOAL_MB=64

bench_init

avail_kib=$(df -Pk "$WORK" | awk 'NR == 2 { print $4 }')
if ((avail_kib * 1024 < SIZE * 3 / 2)); then
    echo "bench: $WORK has too little free space for a $SIZE-byte file (set BENCH_TMP)" >&2
    exit 1
fi

start_fake --images 20 --image-size "$SIZE"

# The item civimg will fetch, and its original URL for curl (variant segment → original=true).
item_url=$("$CIVIMG" --quiet --base-url "$API" list --nsfw x --max 1 --format jsonl | jq -r .url)
original=$(jq -rn --arg u "$item_url" '
    ($u | split("/")) as $s | ($s | length) as $n
    | if ($s[$n - 2] | contains("=")) then $s[:$n - 2] + ["original=true", $s[$n - 1]] else $s end
    | join("/")')

# Fail unless DIR holds exactly one file of SIZE bytes at its top.
# Usage: check_file TOOL DIR
check_file() {
    local sizes
    sizes=$(find "$2" -maxdepth 1 -type f -printf '%s\n')
    if [[ "$sizes" != "$SIZE" ]]; then
        echo "bench: $1 left files of sizes [${sizes//$'\n'/ }] in $2; expected one of $SIZE" >&2
        exit 1
    fi
}

# Run a command under /usr/bin/time -v; its output in WORK/tool.log, shown if it fails.
# Prints "wall_s peak_rss_MB".
timed_v() {
    local t0 t1
    t0=$(now)
    if ! /usr/bin/time -v -o "$WORK/time.txt" "$@" >"$WORK/tool.log" 2>&1; then
        echo "bench: failed: $*" >&2
        cat "$WORK/tool.log" "$WORK/time.txt" >&2
        exit 1
    fi
    t1=$(now)
    echo "$(elapsed "$t0" "$t1") $(peak_rss_mb "$WORK/time.txt")"
}

walls=() rates=() rss=() curl_walls=() curl_rates=() curl_rss=() synced_walls=() synced_rates=()
rate_of() { calc 'f"{b / a / 1e6:.1f}"' "$1" "$SIZE"; }
for ((run = 1; run <= RUNS; run++)); do
    dir="$WORK/civimg.$run"
    measured=$(timed_v "$CIVIMG" --quiet --base-url "$API" download --nsfw x --max 1 -o "$dir")
    read -r wall peak <<<"$measured"
    check_file civimg "$dir"
    rm -rf "$dir"
    walls+=("$wall") rates+=("$(rate_of "$wall")") rss+=("$peak")

    dir="$WORK/curl.$run"
    mkdir -p "$dir"
    measured=$(timed_v curl --fail --silent --show-error -o "$dir/original" "$original")
    read -r wall peak <<<"$measured"
    check_file curl "$dir"
    t0=$(now)
    sync "$dir/original"
    t1=$(now)
    rm -rf "$dir"
    curl_walls+=("$wall") curl_rates+=("$(rate_of "$wall")") curl_rss+=("$peak")
    synced=$(calc 'f"{a + b:.3f}"' "$wall" "$(elapsed "$t0" "$t1")")
    synced_walls+=("$synced") synced_rates+=("$(rate_of "$synced")")
done
stop_fake

rss_mb=$(median 1 "${rss[@]}")
cat <<EOF

== civimg download of one $SIZE-byte original ==
$(machine)
$RUNS rounds: median [all]; MB = 10^6 bytes
  civimg wall time       s      $(median 3 "${walls[@]}")   [${walls[*]}]
  civimg rate            MB/s   $(median 1 "${rates[@]}")   [${rates[*]}]
  civimg peak RSS        MB     $rss_mb   [${rss[*]}]   goal < $RSS_GOAL_MB MB: $(verdict "$rss_mb" "$RSS_GOAL_MB")
reference: curl -o FILE of the same original
  curl wall time         s      $(median 3 "${curl_walls[@]}")   [${curl_walls[*]}]
  curl rate              MB/s   $(median 1 "${curl_rates[@]}")   [${curl_rates[*]}]
  curl peak RSS          MB     $(median 1 "${curl_rss[@]}")   [${curl_rss[*]}]
  curl + fsync           s      $(median 3 "${synced_walls[@]}")   [${synced_walls[*]}]
  curl + fsync rate      MB/s   $(median 1 "${synced_rates[@]}")   [${synced_rates[*]}]
EOF
