#!/usr/bin/env python3
"""Builds the OpenClipArt training set for tools/train/train.py (developer tool).

Reads Debian's `openclipart-png` drawings (public-domain dedication) and, for captions, the
first `<dc:title>` of the matching file of `openclipart-svg`; pads each drawing to a square
on white (transparent pixels composited over white), area-resizes it to 64x64 and writes

    OUT/clipart-64.npz   images uint8 [N, 64, 64, 3], captions [N], sources [N]
    OUT/clipart-64.json  count, rules, the Debian package versions and the npz's SHA-256

Drawings that are nearly blank at 64x64 (standard deviation of the pixels under 0.04 in
[0, 1]) and exact duplicates (same 64x64 bytes) are dropped. The result is deterministic
(files in sorted order), and at most 30 drawings keep any one caption. Install the packages first: apt-get install openclipart-png
openclipart-svg.

    python3 tools/train/make_clipart_set.py --out .train-data
"""

import argparse
import hashlib
import json
import os
import re
import subprocess

import numpy as np
from PIL import Image

PNG_ROOT = "/usr/share/openclipart/png"
SVG_ROOT = "/usr/share/openclipart/svg"
SIZE = 64
MIN_STD = 0.04
PER_CAPTION = 30   # at most this many drawings share a caption (one author's 300 star variants)
Image.MAX_IMAGE_PIXELS = 64_000_000   # larger drawings (one is 231 megapixels) count as unreadable
TITLE = re.compile(rb"<dc:title>\s*([^<]*?)\s*</dc:title>")


def title_of(relative):
    """The drawing's own title (the first dc:title of its SVG), or its file name's words."""
    svg = os.path.join(SVG_ROOT, os.path.splitext(relative)[0] + ".svg")
    if os.path.exists(svg):
        with open(svg, "rb") as f:
            match = TITLE.search(f.read())
        if match and match.group(1).strip():
            return match.group(1).decode("utf-8", "replace").strip()
    stem = os.path.splitext(os.path.basename(relative))[0]
    return " ".join(w for w in re.split(r"[_\-\s]+", stem) if w and not w.isdigit())


def caption_of(relative):
    """Title, then the category folders: "Barattolo di pillole (science, medicine)"."""
    folders = [part.replace("_", " ") for part in os.path.dirname(relative).split(os.sep) if part]
    return f"{title_of(relative)} ({', '.join(folders)})" if folders else title_of(relative)


def square_on_white(path):
    image = Image.open(path)
    image.load()
    rgba = image.convert("RGBA")
    side = max(rgba.size)
    canvas = Image.new("RGBA", (side, side), (255, 255, 255, 255))
    canvas.alpha_composite(rgba, ((side - rgba.size[0]) // 2, (side - rgba.size[1]) // 2))
    return canvas.convert("RGB").resize((SIZE, SIZE), Image.Resampling.BOX, reducing_gap=None)


def package_version(name):
    try:
        return subprocess.run(["dpkg-query", "-W", "-f=${Version}", name], capture_output=True,
                              text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    if not os.path.isdir(PNG_ROOT):
        raise SystemExit(f"{PNG_ROOT} is missing: apt-get install openclipart-png openclipart-svg")
    files = sorted(os.path.relpath(os.path.join(d, f), PNG_ROOT)
                   for d, _, names in os.walk(PNG_ROOT) for f in names if f.endswith(".png"))
    images, captions, sources, seen, per_caption = [], [], [], set(), {}
    dropped = {"blank": 0, "duplicate": 0, "unreadable": 0, "caption_cap": 0}
    for relative in files:
        caption = caption_of(relative)
        if per_caption.get(caption, 0) >= PER_CAPTION:
            dropped["caption_cap"] += 1
            continue
        try:
            tile = np.asarray(square_on_white(os.path.join(PNG_ROOT, relative)), dtype=np.uint8)
        except (OSError, ValueError, Image.DecompressionBombError):
            dropped["unreadable"] += 1
            continue
        if (tile / 255.0).std() < MIN_STD:
            dropped["blank"] += 1
            continue
        digest = hashlib.sha256(tile.tobytes()).digest()
        if digest in seen:
            dropped["duplicate"] += 1
            continue
        seen.add(digest)
        per_caption[caption] = per_caption.get(caption, 0) + 1
        images.append(tile)
        captions.append(caption)
        sources.append(relative)
    os.makedirs(args.out, exist_ok=True)
    npz = os.path.join(args.out, f"clipart-{SIZE}.npz")
    np.savez_compressed(npz, images=np.stack(images), captions=np.array(captions),
                        sources=np.array(sources))
    with open(npz, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    summary = {"count": len(images), "files": len(files), "dropped": dropped, "size": SIZE,
               "rules": f"square on white, box-resized to {SIZE}x{SIZE}; dropped: std < {MIN_STD}, "
                        f"exact duplicates, unreadable, more than {PER_CAPTION} with one caption",
               "caption": "first dc:title of the SVG (else the file name's words), then the folders",
               "packages": {"openclipart-png": package_version("openclipart-png"),
                            "openclipart-svg": package_version("openclipart-svg")},
               "licence": "OpenClipArt: public-domain dedication (Debian's openclipart packages)",
               "npzSHA256": sha}
    with open(os.path.join(args.out, f"clipart-{SIZE}.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print(json.dumps({k: v for k, v in summary.items() if k != "rules"}))


if __name__ == "__main__":
    main()
