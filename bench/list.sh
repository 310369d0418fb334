#!/usr/bin/env bash
# Measures `civimg list` against the fake Civitai on loopback:
#   1. 20 000 items (limit 200, --nsfw X so pages are full) as JSON lines to /dev/null:
#      items/s, wall time, the fake's own server time, and the client's time per page beyond
#      the server's = (wall - server time) / pages.   Goal: < 2 ms per page.
#      curl replays the same page requests one after another on one connection: what is left
#      per page there is transport and process start, not civimg's own work.
#      Goal (issue 19): civimg's ms per page <= 1.5 x curl's.
#   2. 50 000 items under /usr/bin/time -v: civimg's peak RSS.   Goal: < 30 MB.
# Each measurement runs RUNS times (default 3); the median is the figure, all runs are shown.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-3}
ITEMS=${ITEMS:-20000}
BIG_ITEMS=${BIG_ITEMS:-50000}
PAGE_GOAL_MS=2
CURL_GOAL_RATIO=1.5
RSS_GOAL_MB=30

bench_init

# civimg list with the benchmark's query; extra flags after.
list_items() {
    "$CIVIMG" --quiet --base-url "$API" list --limit 200 --nsfw x --format jsonl "$@"
}

# Time one run of a command (stdout to /dev/null); print "wall server_s pages".
timed_walk() {
    fake_clear
    local before t0 t1 wall server_us
    before=$(fake_stat server_time_us)
    t0=$(now)
    "$@" >/dev/null
    t1=$(now)
    wall=$(elapsed "$t0" "$t1")
    server_us=$(($(fake_stat server_time_us) - before))
    echo "$wall $(calc 'f"{a / 1e6:.3f}"' "$server_us") $(fake_stat api_requests)"
}

# --- 1. throughput and per-page overhead --------------------------------------------------
# A quarter more items than asked: --nsfw x still hides the fake's blocked items (level 32).
start_fake --images $((ITEMS * 5 / 4))

got=$(list_items --max "$ITEMS" | wc -l)
if ((got != ITEMS)); then
    echo "bench: expected $ITEMS items, civimg printed $got" >&2
    exit 1
fi

walls=() servers=() pages=() per_page=() rates=()
for ((run = 1; run <= RUNS; run++)); do
    measured=$(timed_walk list_items --max "$ITEMS")
    read -r wall server n_pages <<<"$measured"
    walls+=("$wall")
    servers+=("$server")
    pages+=("$n_pages")
    per_page+=("$(calc 'f"{(a - b) * 1000 / c:.2f}"' "$wall" "$server" "$n_pages")")
    rates+=("$(calc 'f"{b / a:.0f}"' "$wall" "$ITEMS")")
done

# The same requests civimg made in its last run, replayed by curl on one connection.
curl -fsS "$API/__fake/requests" |
    jq -r --arg api "$API" '.[] | "url = \"\($api)\(.path)?\(.raw_query)\"\noutput = \"/dev/null\""' \
        >"$WORK/replay.curl"
curl_walls=() curl_per_page=()
for ((run = 1; run <= RUNS; run++)); do
    measured=$(timed_walk curl -fsS --config "$WORK/replay.curl")
    read -r wall server n_pages <<<"$measured"
    curl_walls+=("$wall")
    curl_per_page+=("$(calc 'f"{(a - b) * 1000 / c:.2f}"' "$wall" "$server" "$n_pages")")
done
stop_fake

# --- 2. peak RSS over a long walk ---------------------------------------------------------
start_fake --images $((BIG_ITEMS * 5 / 4))
rss=() big_walls=()
for ((run = 1; run <= RUNS; run++)); do
    t0=$(now)
    /usr/bin/time -v -o "$WORK/time.txt" "$CIVIMG" --quiet --base-url "$API" \
        list --limit 200 --nsfw x --format jsonl --max "$BIG_ITEMS" >/dev/null
    t1=$(now)
    big_walls+=("$(elapsed "$t0" "$t1")")
    rss+=("$(peak_rss_mb "$WORK/time.txt")")
done
stop_fake

page_ms=$(median 2 "${per_page[@]}")
curl_page_ms=$(median 2 "${curl_per_page[@]}")
page_ratio=$(calc 'f"{a / b:.2f}"' "$page_ms" "$curl_page_ms")
rss_mb=$(median 1 "${rss[@]}")

cat <<EOF

== civimg list ==
$(machine)
$ITEMS items, --limit 200 --nsfw x --format jsonl > /dev/null; $RUNS runs: median [all]
  pages (API requests)       ${pages[*]}
  wall time            s     $(median 3 "${walls[@]}")   [${walls[*]}]
  items/s                    $(median 0 "${rates[@]}")   [${rates[*]}]
  fake server time     s     $(median 3 "${servers[@]}")   [${servers[*]}]
  client ms per page         $page_ms   [${per_page[*]}]   goal < $PAGE_GOAL_MS ms: $(verdict "$page_ms" "$PAGE_GOAL_MS")
reference: curl replaying the same requests on one connection, body to /dev/null
  wall time            s     $(median 3 "${curl_walls[@]}")   [${curl_walls[*]}]
  curl ms per page           $curl_page_ms   [${curl_per_page[*]}]
  civimg / curl per page     $page_ratio   goal <= $CURL_GOAL_RATIO: $(calc "'met' if a <= b else 'MISSED'" "$page_ratio" "$CURL_GOAL_RATIO")
$BIG_ITEMS items under /usr/bin/time -v
  wall time            s     $(median 3 "${big_walls[@]}")   [${big_walls[*]}]
  peak RSS             MB    $rss_mb   [${rss[*]}]   goal < $RSS_GOAL_MB MB: $(verdict "$rss_mb" "$RSS_GOAL_MB")
EOF
