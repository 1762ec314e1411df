#!/usr/bin/python3
"""Builds the built-in model's data set: Noto colour emoji at 64x64 on white, with captions.

Writes, under Models/emoji/ (relative to the repository root unless --out says otherwise):
  atlas.png      every image tiled row-major in a grid of `columns` tiles of `tile` pixels (RGB 8-bit)
  captions.json  {"tile", "columns", "count", "atlasSHA256", "source", "items": [{"index",
                 "codepoints", "caption", "keywords"}]}
The LICENSE.md next to them is written by hand; this script only checks it is there.

Inputs (dev-only; the Swift package never runs this):
  Debian fonts-noto-color-emoji  /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf (CBDT bitmaps)
  Debian unicode-cldr-core        /usr/share/unicode/cldr/common/annotations{,Derived}/en.xml
  PyPI fonttools, emoji           for the font tables and names of emoji newer than the CLDR data
  PIL                             compositing, padding, Lanczos resizing, PNG writing

Rules:
  * An image is a CBDT bitmap reachable from a code point sequence: a single code point
    through the cmap, or a sequence through the font's ligature lookup (GSUB lookup 0 of
    the `ccmp` feature: ZWJ sequences, flags, keycaps).
  * Kept only if the sequence is an emoji the `emoji` package knows (this drops the plain
    digits, ZWJ, tag and regional-indicator letter glyphs), is not a component (skin-tone
    swatches, hair pieces) and contains no skin-tone modifier U+1F3FB..U+1F3FF.
  * U+FE0F (emoji presentation selector) is ignored when comparing sequences; the stored
    code points are the fully-qualified form.
  * Duplicates (the same sequence twice, or byte-identical bitmaps) keep the first in
    code point order.
  * Caption: the CLDR text-to-speech name ("dog face", "flag: united states"), else the
    `emoji` package's name, else the Unicode character name; lower case, underscores to spaces.
  * Keywords: the CLDR annotation keywords, the `emoji` package's aliases, and the Unicode
    character name when it differs from the caption; lower case, deduplicated, in order;
    the caption's words when none of these exist (emoji newer than CLDR 41).
  * Pixels: the RGBA bitmap is composited over white, padded with white to a centred square,
    resized to 64x64 with Lanczos, and stored as RGB.
Output is deterministic: items sorted by code point sequence, PNG written with fixed settings.
"""

import argparse
import hashlib
import io
import json
import os
import sys
import unicodedata
import xml.etree.ElementTree as ET

import emoji
from fontTools.ttLib import TTFont
from PIL import Image

FONT = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"
CLDR = "/usr/share/unicode/cldr/common"
TILE = 64
COLUMNS = 48
VS16 = 0xFE0F
SKIN_TONES = range(0x1F3FB, 0x1F400)


def strip_vs16(seq):
    return tuple(cp for cp in seq if cp != VS16)


def font_sequences(font):
    """(code point sequence without FE0F) -> glyph name, for every sequence the font draws."""
    cmap = font.getBestCmap()
    glyph_to_cp = {}
    for cp, glyph in sorted(cmap.items()):
        glyph_to_cp.setdefault(glyph, cp)
    sequences = {}
    for cp, glyph in cmap.items():
        sequences.setdefault(strip_vs16((cp,)), glyph)
    gsub = font["GSUB"].table
    ligatures = gsub.LookupList.Lookup[0]
    if ligatures.LookupType != 4:
        sys.exit("GSUB lookup 0 is not a ligature lookup; the font layout changed")
    for sub in ligatures.SubTable:
        for first, ligs in sub.ligatures.items():
            for lig in ligs:
                names = [first] + list(lig.Component)
                if any(n not in glyph_to_cp for n in names):
                    continue
                seq = strip_vs16(tuple(glyph_to_cp[n] for n in names))
                if seq:
                    sequences.setdefault(seq, lig.LigGlyph)
    return sequences


def cldr_annotations():
    """(sequence without FE0F) -> (tts name or None, [keywords]) from CLDR annotations."""
    table = {}
    for sub in ("annotations", "annotationsDerived"):
        root = ET.parse(os.path.join(CLDR, sub, "en.xml")).getroot()
        for node in root.iter("annotation"):
            seq = strip_vs16(tuple(ord(c) for c in node.get("cp", "")))
            name, words = table.get(seq, (None, []))
            text = (node.text or "").strip()
            if node.get("type") == "tts":
                name = name or text
            else:
                words = words + [w.strip() for w in text.split("|") if w.strip()]
            table[seq] = (name, words)
    return table


def emoji_package_table():
    """(sequence without FE0F) -> (fully-qualified string, data) from the `emoji` package."""
    table = {}
    for text, data in emoji.EMOJI_DATA.items():
        seq = strip_vs16(tuple(ord(c) for c in text))
        known = table.get(seq)
        # Prefer the fully-qualified form (status 2) as the stored sequence.
        if known is None or (data.get("status") == emoji.STATUS["fully_qualified"]
                             and known[1].get("status") != emoji.STATUS["fully_qualified"]):
            table[seq] = (text, data)
    return table


def tidy(name):
    return name.strip(":").replace("_", " ").lower().strip()


def unicode_name(seq):
    if len(seq) != 1:
        return None
    name = unicodedata.name(chr(seq[0]), "")
    return name.lower() or None


def dedupe(words):
    seen, out = set(), []
    for w in words:
        w = w.lower().strip()
        if w and w not in seen:
            seen.add(w)
            out.append(w)
    return out


def tile_image(png_bytes):
    rgba = Image.open(io.BytesIO(png_bytes)).convert("RGBA")
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    flat = Image.alpha_composite(white, rgba).convert("RGB")
    side = max(flat.size)
    square = Image.new("RGB", (side, side), (255, 255, 255))
    square.paste(flat, ((side - flat.size[0]) // 2, (side - flat.size[1]) // 2))
    return square.resize((TILE, TILE), Image.LANCZOS)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser.add_argument("--out", default=os.path.join(root, "Models", "emoji"))
    args = parser.parse_args()

    font = TTFont(FONT)
    strike = font["CBDT"].strikeData[0]
    sequences = font_sequences(font)
    names = cldr_annotations()
    package = emoji_package_table()
    component = emoji.STATUS["component"]

    items, seen_bitmaps = [], set()
    for seq in sorted(sequences):
        glyph = sequences[seq]
        if glyph not in strike or any(cp in SKIN_TONES for cp in seq):
            continue
        if seq not in package or package[seq][1].get("status") == component:
            continue
        png = strike[glyph].imageData
        digest = hashlib.sha256(png).hexdigest()
        if digest in seen_bitmaps:
            continue
        seen_bitmaps.add(digest)
        text, data = package[seq]
        cldr_name, cldr_words = names.get(seq, (None, []))
        uname = unicode_name(seq)
        caption = (cldr_name or tidy(data["en"]) or uname or "").lower()
        keywords = dedupe(cldr_words + [tidy(a) for a in data.get("alias", [])]
                          + ([uname] if uname and uname != caption else []))
        if not keywords:
            # Emoji newer than the CLDR data have no annotations: fall back to the caption's words.
            keywords = dedupe(caption.replace(":", " ").split())
        items.append({
            "codepoints": " ".join("%04X" % ord(c) for c in text),
            "caption": caption,
            "keywords": keywords,
            "image": tile_image(png),
        })

    rows = (len(items) + COLUMNS - 1) // COLUMNS
    atlas = Image.new("RGB", (COLUMNS * TILE, rows * TILE), (255, 255, 255))
    for i, item in enumerate(items):
        atlas.paste(item.pop("image"), ((i % COLUMNS) * TILE, (i // COLUMNS) * TILE))
        item["index"] = i

    os.makedirs(args.out, exist_ok=True)
    buffer = io.BytesIO()
    atlas.save(buffer, format="PNG", optimize=True)
    atlas_bytes = buffer.getvalue()
    with open(os.path.join(args.out, "atlas.png"), "wb") as f:
        f.write(atlas_bytes)

    version = font["name"].getDebugName(5) or "unknown"
    document = {
        "tile": TILE,
        "columns": COLUMNS,
        "count": len(items),
        "atlasSHA256": hashlib.sha256(atlas_bytes).hexdigest(),
        "source": "Noto Color Emoji (%s), Debian package fonts-noto-color-emoji; "
                  "names from Unicode CLDR annotations and the emoji package; "
                  "made by tools/emoji/make_emoji_set.py" % version,
        "items": [{"index": it["index"], "codepoints": it["codepoints"],
                   "caption": it["caption"], "keywords": it["keywords"]} for it in items],
    }
    with open(os.path.join(args.out, "captions.json"), "w", encoding="utf-8") as f:
        # One item per line keeps the file small and its diffs readable.
        head = {k: v for k, v in document.items() if k != "items"}
        f.write(json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ",\n \"items\": [\n")
        f.write(",\n".join("  " + json.dumps(it, ensure_ascii=False) for it in document["items"]))
        f.write("\n ]\n}\n")
    if not os.path.exists(os.path.join(args.out, "LICENSE.md")):
        print("note: Models/emoji/LICENSE.md is missing", file=sys.stderr)
    print("%d images, atlas %dx%d, %.1f MB" % (len(items), atlas.size[0], atlas.size[1],
                                               len(atlas_bytes) / 1e6))


if __name__ == "__main__":
    main()
