#!/usr/bin/env bash
# Measures `civimg meta` on local files (no network):
#   1. `civimg meta DIR --format jsonl > /dev/null` over FILES files (default 10 000): a mix of
#      A1111 PNG (70 %), ComfyUI PNG with a 20-node graph and its workflow (10 %), A1111 JPEG
#      (10 %) and A1111 WebP (10 %), each with a few KiB of image data to skip.
#      Goal: < 1 s.   The same run with the default table output, for reference.
#   2. One PNG of many small zTXt bombs (40 chunks of 8 KiB that inflate to 8 MiB each, under
#      keywords parsers read) under /usr/bin/time -v: peak RSS.   Goal: < 100 MB (civimg
#      inflates at most 64 MiB per file, and only chunks it reads).
# Each measurement runs RUNS times (default 3); the median is the figure, all runs are shown.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-3}
FILES=${FILES:-10000}
WALL_GOAL_S=1
RSS_GOAL_MB=100

bench_init

# Write the corpus with Python: real container layouts, built from scratch.
python3 - "$WORK/files" "$FILES" "$WORK/bomb.png" <<'PY'
import json, os, struct, sys, zlib

out, count, bomb_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.makedirs(out, exist_ok=True)

def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

def png(texts, pixels=4096):
    ihdr = struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0)
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
    for key, text, compressed in texts:
        if compressed:
            out += chunk(b"zTXt", key + b"\0\0" + zlib.compress(text))
        else:
            out += chunk(b"tEXt", key + b"\0" + text)
    out += chunk(b"IDAT", os.urandom(pixels)) + chunk(b"IEND", b"")
    return out

def tiff_user_comment(text):
    comment = b"UNICODE\0" + text.encode("utf-16-be")
    t = b"MM\0\x2a\0\0\0\x08" + struct.pack(">H", 1) + struct.pack(">HHII", 0x8769, 4, 1, 26) + b"\0\0\0\0"
    t += struct.pack(">H", 1) + struct.pack(">HHII", 0x9286, 7, len(comment), 44) + b"\0\0\0\0"
    return t + comment

def jpeg(text):
    app1 = b"Exif\0\0" + tiff_user_comment(text)
    sof = b"\xff\xc0" + struct.pack(">H", 11) + bytes([8, 0, 64, 0, 64, 1, 1, 0x11, 0])
    return (b"\xff\xd8\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + sof
            + b"\xff\xda\0\x08\x01\x01\x00\x00\x3f\x00" + os.urandom(4096) + b"\xff\xd9")

def webp(text):
    exif = tiff_user_comment(text)
    body = b"WEBP"
    for fourcc, payload in ((b"VP8X", bytes([8, 0, 0, 0, 63, 0, 0, 63, 0, 0])), (b"VP8L", os.urandom(4096)), (b"EXIF", exif)):
        body += fourcc + struct.pack("<I", len(payload)) + payload + (b"\0" if len(payload) % 2 else b"")
    return b"RIFF" + struct.pack("<I", len(body)) + body

def a1111(i):
    return (f"masterpiece, best quality, a knight number {i}, <lora:armor:0.8>, \nsecond line\n"
            f"Negative prompt: blurry, lowres\nSteps: 30, Sampler: DPM++ 2M, Schedule type: Karras, "
            f"CFG scale: 7, Seed: {1000 + i}, Size: 832x1216, Model hash: 6ce0161689, Model: juggernaut, "
            f"Denoising strength: 0.4, Hires upscale: 1.5, Hires upscaler: 4x-UltraSharp, "
            f'Lora hashes: "armor: 0123abcd", Version: v1.10.1')

def comfy(i):
    g = {"3": {"class_type": "KSampler", "inputs": {"seed": i, "steps": 20, "cfg": 5, "sampler_name": "euler",
          "scheduler": "karras", "denoise": 1, "model": ["10", 0], "positive": ["6", 0], "negative": ["7", 0],
          "latent_image": ["5", 0]}},
         "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sdxl.safetensors"}},
         "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 1024, "height": 1024, "batch_size": 1}},
         "6": {"class_type": "CLIPTextEncode", "inputs": {"text": f"a castle {i}", "clip": ["10", 1]}},
         "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["10", 1]}},
         "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
         "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "ComfyUI", "images": ["8", 0]}},
         "10": {"class_type": "LoraLoader", "inputs": {"lora_name": "detail.safetensors", "strength_model": 0.8,
          "strength_clip": 1, "model": ["4", 0], "clip": ["4", 1]}}}
    for n in range(11, 23):
        g[str(n)] = {"class_type": "Note", "inputs": {"text": "x" * 200}}
    workflow = {"last_node_id": 22, "nodes": [{"id": n, "type": "Node", "pos": [n, n], "widgets_values": ["y" * 300]} for n in range(22)]}
    return json.dumps(g).encode(), json.dumps(workflow).encode()

for i in range(count):
    kind = i % 10
    if kind < 7:
        data, ext = png([(b"parameters", a1111(i).encode(), False)]), "png"
    elif kind == 7:
        prompt, workflow = comfy(i)
        data, ext = png([(b"prompt", prompt, True), (b"workflow", workflow, True)]), "png"
    elif kind == 8:
        data, ext = jpeg(a1111(i)), "jpeg"
    else:
        data, ext = webp(a1111(i)), "webp"
    with open(os.path.join(out, f"{i:06}.{ext}"), "wb") as f:
        f.write(data)

bomb = zlib.compress(b"x" * (8 << 20), 9)
data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
data += chunk(b"tEXt", b"parameters\0" + a1111(0).encode())
keys = [b"Description", b"workflow", b"prompt", b"Comment", b"unread"]
for n in range(40):
    data += chunk(b"zTXt", keys[n % len(keys)] + b"\0\0" + bomb)
data += chunk(b"IDAT", zlib.compress(b"\0\0\0\0")) + chunk(b"IEND", b"")
with open(bomb_path, "wb") as f:
    f.write(data)
PY

got=$("$CIVIMG" meta "$WORK/files" --format jsonl | wc -l)
if ((got != FILES)); then
    echo "bench: expected $FILES records, civimg printed $got" >&2
    exit 1
fi

# Time one run of `civimg meta DIR ARGS…` with stdout to /dev/null; print seconds.
timed_meta() {
    local t0 t1
    t0=$(now)
    "$CIVIMG" meta "$WORK/files" "$@" >/dev/null
    t1=$(now)
    elapsed "$t0" "$t1"
}

json_walls=() table_walls=() rss=()
for ((run = 1; run <= RUNS; run++)); do
    json_walls+=("$(timed_meta --format jsonl)")
    table_walls+=("$(timed_meta)")
    /usr/bin/time -v -o "$WORK/time.txt" "$CIVIMG" meta "$WORK/bomb.png" --format jsonl >/dev/null
    rss+=("$(peak_rss_mb "$WORK/time.txt")")
done

json_s=$(median 3 "${json_walls[@]}")
rss_mb=$(median 1 "${rss[@]}")

cat <<EOF

== civimg meta ==
$(machine)
$FILES files ($(du -sh "$WORK/files" | cut -f1)): 70 % A1111 PNG, 10 % ComfyUI PNG, 10 % JPEG, 10 % WebP; $RUNS runs: median [all]
  meta DIR --format jsonl   s     $json_s   [${json_walls[*]}]   goal < $WALL_GOAL_S s: $(verdict "$json_s" "$WALL_GOAL_S")
  meta DIR (table)         s     $(median 3 "${table_walls[@]}")   [${table_walls[*]}]
one PNG of 40 zTXt bombs ($(du -h "$WORK/bomb.png" | cut -f1), 320 MiB inflated) under /usr/bin/time -v
  peak RSS                 MB    $rss_mb   [${rss[*]}]   goal < $RSS_GOAL_MB MB: $(verdict "$rss_mb" "$RSS_GOAL_MB")
EOF
