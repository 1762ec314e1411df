#!/usr/bin/env python3
"""End-to-end fixture for `noisebook encode`: a snapshot-shaped folder holding a small random
T5 encoder and the test SentencePiece model, with what transformers computes for a set of
prompts.

Run after tools/make_tokenizer_fixtures.py (it reads the tokenizer that script trains), with
a Python that has torch, transformers, sentencepiece, safetensors and numpy:

    python3 tools/make_encode_fixtures.py

Seeded: a rerun with the same library versions writes the same values. Writes, under
Tests/noisebookTests/Fixtures/encode:

  snapshot/text_encoder/   config.json and sharded fp16 safetensors (model.fp16-0000i-of-0000n
                           .safetensors + model.safetensors.index.fp16.json, as IF snapshots
                           name their fp16 variant) of a random T5EncoderModel (gated-gelu,
                           layer norms and the bias table perturbed as make_t5_fixtures.py
                           does), vocabulary = the tokenizer's pieces + 100 extra ids, as T5's
  snapshot/tokenizer/spiece.model   copied from Tests/SentencePieceTests/Fixtures
  expected.json            prompts as typed; the text IF's encode_prompt feeds the tokenizer
                           (lower-cased, stripped); ids [N, 77] (SentencePiece pieces cut to 76,
                           EOS 1, pad 0, as the legacy sentencepiece-backed T5Tokenizer of
                           transformers 4.x did with max_length 77; transformers 5 builds its
                           T5 tokenizer differently, so SentencePiece itself is the reference),
                           and the attention mask
  expected.safetensors     last_hidden_state [N, 77, d_model] float32, from the fp16 weights
                           widened to fp32
"""

import json
import os
import shutil
import sys

import sentencepiece as spm
import torch
from safetensors.torch import save_file
from transformers import T5Config, T5EncoderModel

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_t5_fixtures import perturb  # noqa: E402  (same perturbation as the parity models)

HERE = os.path.dirname(os.path.abspath(__file__))
TOKENIZER = os.path.join(HERE, "..", "Tests", "SentencePieceTests", "Fixtures", "spiece.model")
ROOT = os.path.join(HERE, "..", "Tests", "noisebookTests", "Fixtures", "encode")
LENGTH, EOS, PAD = 77, 1, 0

PROMPTS = [
    "a high quality photo",
    "An Oil Painting of a Snowy Mountain Village",
    "  a photo of   a dog\tand a cat\n",
    "ﬁne ＡＲＴ of a rocket ship, Ⅻ o'clock",
    "a lithograph of waterfalls 🌊 and ναός",
    "",
    " ".join(["a man wearing a hat and a woman holding an umbrella"] * 12),
]


def preprocess(text):
    """What diffusers' IFPipeline.encode_prompt does without its caption clean-up."""
    return text.lower().strip()


def main():
    torch.manual_seed(21)
    gen = torch.Generator().manual_seed(121)
    processor = spm.SentencePieceProcessor(model_file=TOKENIZER)
    vocab = processor.get_piece_size() + 100
    config = T5Config(vocab_size=vocab, d_model=64, d_kv=16, num_heads=4, d_ff=96, num_layers=2,
                      feed_forward_proj="gated-gelu", dropout_rate=0.0, is_encoder_decoder=False)
    config._attn_implementation = "eager"
    model = T5EncoderModel(config).eval()
    perturb(model, gen)
    model = model.half().float()

    shutil.rmtree(ROOT, ignore_errors=True)
    encoder = os.path.join(ROOT, "snapshot", "text_encoder")
    os.makedirs(encoder)
    os.makedirs(os.path.join(ROOT, "snapshot", "tokenizer"))
    shutil.copy(TOKENIZER, os.path.join(ROOT, "snapshot", "tokenizer", "spiece.model"))
    model.half().save_pretrained(encoder, max_shard_size="60KB")
    model = model.float()
    # Name the shards as IF snapshots name their fp16 variant.
    index_path = os.path.join(encoder, "model.safetensors.index.json")
    with open(index_path) as f:
        index = json.load(f)
    renamed = {}
    for old in sorted(set(index["weight_map"].values())):
        new = old.replace("model-", "model.fp16-")
        os.rename(os.path.join(encoder, old), os.path.join(encoder, new))
        renamed[old] = new
    index["weight_map"] = {k: renamed[v] for k, v in index["weight_map"].items()}
    os.remove(index_path)
    with open(os.path.join(encoder, "model.safetensors.index.fp16.json"), "w") as f:
        json.dump(index, f, indent=2, sort_keys=True)
    for extra in ("generation_config.json",):
        if os.path.exists(os.path.join(encoder, extra)):
            os.remove(os.path.join(encoder, extra))

    texts = [preprocess(p) for p in PROMPTS]
    ids, mask = [], []
    for text in texts:
        pieces = processor.encode(text)[: LENGTH - 1] + [EOS]
        ids.append(pieces + [PAD] * (LENGTH - len(pieces)))
        mask.append([1] * len(pieces) + [0] * (LENGTH - len(pieces)))
    with torch.no_grad():
        out = model(input_ids=torch.tensor(ids), attention_mask=torch.tensor(mask)).last_hidden_state.float().contiguous()
    save_file({"last_hidden_state": out}, os.path.join(ROOT, "expected.safetensors"))
    with open(os.path.join(ROOT, "expected.json"), "w") as f:
        json.dump({"prompts": PROMPTS, "texts": texts, "input_ids": ids, "attention_mask": mask,
                   "shape": list(out.shape),
                   "max_abs": float(out.abs().max())}, f, ensure_ascii=False, indent=1)
    print(f"encode: {len(PROMPTS)} prompts, vocab {vocab}, output {list(out.shape)}, "
          f"max |out| {float(out.abs().max()):.4f}")


if __name__ == "__main__":
    main()
