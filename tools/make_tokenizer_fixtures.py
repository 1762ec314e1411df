#!/usr/bin/env python3
"""Writes the fixtures of Tests/SentencePieceTests/Fixtures with the reference tokenizer.

Run with the pyenv python3 that has the `sentencepiece` package (pip install sentencepiece):

    python3 tools/make_tokenizer_fixtures.py

It trains three small unigram models on an English corpus built into this script (sentences
about images, diffusion and everyday objects, with digits and punctuation) and records what
`sentencepiece` itself makes of a set of prompts. Training runs on one thread over the whole
corpus in order, so the same package version writes the same files every time. The
committed files were written with sentencepiece 0.2.3 (cases.json records the version):
releases up to 0.2.1 score user-defined pieces differently and break some exact ties the
other way, so another version may write different ids.

Files written:
  spiece.model  a T5-like model: unigram, pad 0, eos 1, unk 2, no bos, no byte fallback,
                the "nmt_nfkc" rules compiled into precompiled_charsmap, the default
                whitespace handling (dummy prefix, extra whitespace removed)
  user.model    a second model with USER_DEFINED symbols, no dummy prefix, extra whitespace
                kept and the "identity" rules (no precompiled_charsmap at all)
  rules.model   a third model whose rules come from a hand-written TSV (compiled into its own
                precompiled_charsmap): tab -> " ", "q" -> "  x  ", "z" and "~" -> "" (deleted),
                "l" -> "1" and "ll" -> "L"; it pins down how leading, repeated and trailing
                spaces interact with replacements that add or delete spaces
  cases.json    {"script", "sentencepiece_version", "max_length", "models": {name: {"cases":
                [{"text", "normalized", "ids", "t5_ids", "t5_mask"}]}}}: `ids` from
                SentencePieceProcessor(model_file=...).encode(text), `normalized` from its
                normalize(text), `t5_ids`/`t5_mask` the ids truncated to 76, then EOS (1),
                then pad (0) to 77, as transformers' T5Tokenizer does with
                padding="max_length", max_length=77, truncation=True
"""
import io
import json
import os
import re
import tempfile

import sentencepiece as spm

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "Tests", "SentencePieceTests", "Fixtures"))
MAX_LENGTH = 77
EOS_ID = 1
PAD_ID = 0


def corpus():
    """A few hundred deterministic sentences: templates crossed with subjects and places."""
    subjects = [
        "a photo of a dog", "an oil painting of a cat", "a red apple", "a blue bicycle",
        "a small wooden boat", "a watercolor of a lighthouse", "two astronauts",
        "a bowl of ramen", "an old steam train", "a fluffy white cloud", "a robot chef",
        "three yellow tulips", "a snowy mountain village", "a glass of orange juice",
        "a vintage camera", "a sleeping fox", "a castle made of sand", "a neon city street",
    ]
    places = [
        "on the beach", "in a forest", "at night", "under the stars", "in the rain",
        "on a table", "in a museum", "near a river", "in 1920", "at 4 pm",
    ]
    styles = [
        "high resolution", "digital art", "studio lighting", "8k", "35mm film",
        "trending on artstation", "soft focus", "wide angle", "pixel art", "pencil sketch",
    ]
    facts = [
        "Diffusion models add noise to an image step by step, then learn to remove it.",
        "The sampler takes 50 steps; each step predicts the noise and subtracts a part of it.",
        "Classifier-free guidance mixes two predictions: scale 7.5 is a common choice.",
        "A U-Net sees the noisy image, the time step and the text embedding.",
        "The text encoder turns a prompt into 77 vectors of 4096 numbers each.",
        "Images are 64x64 pixels at first, then 256x256 after the second stage.",
        "Pixels live in [-1, 1]; we map them back to 0..255 before saving a PNG.",
        "Noise levels follow a cosine schedule (beta from 0.0001 to 0.02).",
        "What does the model draw when the prompt is empty? It draws an average image!",
        "Try 'a cat wearing a hat' -- then 'a dog wearing a hat' -- and compare.",
        "Step 10 of 100: the loss is 0.0342, the learning rate 3e-4.",
        "The seed is 42, the batch size 8, and the guidance scale 4.0.",
        "DDPM, DDIM and Euler are three samplers; DDIM is deterministic.",
        "Objects: chair, table, lamp, window, door, mirror, clock, book, cup, plate.",
        "Colors: red, green, blue, yellow, purple, orange, black, white, gray, pink.",
        "It's 3:45 a.m. and the GPU is still at 98% -- good.",
        "He said: \"Let's render it again, with more steps.\"",
        "Email me at someone@example.com or visit https://example.com/images?id=7.",
    ]
    lines = list(facts)
    for i, subject in enumerate(subjects):
        for j, place in enumerate(places):
            style = styles[(i + j) % len(styles)]
            lines.append(f"{subject} {place}, {style}")
            if (i + j) % 3 == 0:
                lines.append(f"{subject.capitalize()} {place}. {style.upper()}!")
            if (i * j) % 7 == 1:
                lines.append(f"Image {i * 10 + j}: {subject} ({style}); seed {i * 97 + j}.")
    return lines


PROMPTS = [
    "a photo of a dog",
    "An Oil Painting of a CAT on the Beach",
    "a   red    apple",
    "   leading and trailing spaces   ",
    "tabs\tand\nnewlines\r\nand a\x0bvertical tab",
    "\t\n  \t",
    "",
    " ",
    "ﬁne ﬂowers ﬀ",
    "ＡＢＣ ｆｕｌｌ－ｗｉｄｔｈ １２３",
    "Chapter Ⅻ and ⅳ",
    "① ② ⑩ ㈠ ㎏ ㍱ ™ ½",
    "ｶﾀｶﾅ and ｈａｌｆ",
    "café naïve résumé Ångström",
    "e\u0301 composed vs é",
    "Ελληνικά γράμματα αβγ",
    "漢字とひらがな 中文",
    "emoji 🐶 and 🐱🐱 and 👍🏽 and 👩‍👩‍👧‍👦 family",
    "flags 🇯🇵🇫🇷 and ❤️ and ☕",
    "digits 0123456789 and 3.14159 and 1,000,000",
    "punctuation: !?.,;:'\"()[]{}<>@#$%^&*-_=+/\\|~`",
    "a\u200bzero\u200dwidth\u00a0nbsp\u3000ideographic space",
    "unused ▁ lower block ▁▁ and trailing ▁",
    "Diffusion models add noise to an image step by step, then learn to remove it.",
    " ".join(["a photo of a dog on the beach at night, digital art, 8k;"] * 12),
    "Ωmega ΩΩ Ω",
    "\u0000 nul and \u0007 bell",
    "x" * 40,
    # Long enough that the best path's score passes -100000, where sentencepiece (0.2.3)
    # rebases the scores to keep Float precision; "000" keeps ties in play after that.
    "漢字 1,000,000 photos of 0.5 dogs; " * 800,
]

USER_PROMPTS = [
    "a photo of a dog",
    "a photo of a <cat> in DDPM style",
    "  two  spaces  kept  ",
    "<cat><cat> [MASK] [MASK][MASK]",
    "PHOTO OF A DOG",
    "photo ofa dog ph oto",
    "ＡＢＣ <cat> ﬁne",
    "",
    "   ",
    "unknown 漢字 and 🐶",
]

# Hand-written normalization rules: source code points, a tab, target code points (hex).
RULES = [
    ("9", "20"),              # tab -> space
    ("71", "20 20 78 20 20"), # q -> "  x  "
    ("7A", ""),               # z -> "" (deleted)
    ("7E", ""),               # ~ -> "" (deleted)
    ("6C", "31"),             # l -> 1
    ("6C 6C", "4C"),          # ll -> L (longest match wins over l, l)
]

RULES_PROMPTS = [
    "a q b", "zz  a", "\t\ta", "z a", "a z", "q", "qq", "a ~ b", "a ~", "~", "z", "~ ~ a",
    "hello all", "lll", "\tq\t", " q q ", "x\u3000y", "a\t\tb",
]


def train(prefix, **options):
    """Trains a unigram model on corpus(), writes OUT/<prefix>.model, returns its processor."""
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(corpus()),
        model_writer=model,
        model_type="unigram",
        pad_id=0,
        eos_id=1,
        unk_id=2,
        bos_id=-1,
        character_coverage=1.0,
        num_threads=1,
        input_sentence_size=0,
        shuffle_input_sentence=False,
        minloglevel=2,
        **options,
    )
    data = model.getvalue()
    with open(os.path.join(OUT, prefix + ".model"), "wb") as f:
        f.write(data)
    return spm.SentencePieceProcessor(model_proto=data)


def cases(processor, prompts):
    """The reference ids, normalized text and T5 padding of each prompt."""
    out = []
    for text in prompts:
        ids = processor.encode(text)
        t5_ids = ids[: MAX_LENGTH - 1] + [EOS_ID]
        t5_mask = [1] * len(t5_ids)
        t5_ids += [PAD_ID] * (MAX_LENGTH - len(t5_ids))
        t5_mask += [0] * (MAX_LENGTH - len(t5_mask))
        out.append({
            "text": text,
            "normalized": processor.normalize(text),
            "ids": ids,
            "t5_ids": t5_ids,
            "t5_mask": t5_mask,
        })
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    t5_like = train("spiece", vocab_size=320, normalization_rule_name="nmt_nfkc")
    user = train(
        "user",
        vocab_size=280,
        normalization_rule_name="identity",
        user_defined_symbols=["<cat>", "[MASK]", "DDPM", "photo of"],
        add_dummy_prefix=False,
        remove_extra_whitespaces=False,
    )
    # The trainer records the TSV's path in the model, so it is given as a bare name from
    # inside a temporary folder: a random folder name would make the file differ each run.
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as folder:
        os.chdir(folder)
        try:
            with open("rules.tsv", "w", encoding="utf-8") as f:
                f.writelines(f"{source}\t{target}\n" for source, target in RULES)
            rules = train("rules", vocab_size=200, normalization_rule_tsv="rules.tsv")
        finally:
            os.chdir(here)
    record = {
        "script": "tools/make_tokenizer_fixtures.py",
        "sentencepiece_version": spm.__version__,
        "max_length": MAX_LENGTH,
        "models": {
            "spiece.model": {"cases": cases(t5_like, PROMPTS)},
            "user.model": {"cases": cases(user, USER_PROMPTS)},
            "rules.model": {"cases": cases(rules, RULES_PROMPTS)},
        },
    }
    # Long prompts must really be longer than the T5 window, or truncation goes untested.
    assert any(len(c["ids"]) > MAX_LENGTH for c in record["models"]["spiece.model"]["cases"])
    with open(os.path.join(OUT, "cases.json"), "w", encoding="utf-8") as f:
        # Each id list on one line keeps the file small and its diffs readable.
        text = json.dumps(record, ensure_ascii=False, indent=1)
        f.write(re.sub(r"\[\s*([-0-9,\s]*?)\s*\]", lambda m: "[" + re.sub(r"\s+", "", m.group(1)).replace(",", ", ") + "]", text))
        f.write("\n")


if __name__ == "__main__":
    main()
