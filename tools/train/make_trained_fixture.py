#!/usr/bin/env python3
"""The parity fixture of the shipped trained model (developer tool).

Runs diffusers' UNet2DConditionModel on the model folder that noisebook ships (default
Models/trained: fp16 weights widened to fp32, as noisebook runs them) for two seeded inputs
and writes, into OUT (default Tests/noisebookTests/Fixtures/trained-shipped):

    inputs.safetensors    x [2, 3, S, S] float32 (seeded), encoder_hidden_states [2, 77, D]
    expected.safetensors  output [2, 6, S, S] float32: UNet(x, timesteps, encoder_hidden_states)
    expected.json         prompts with their token rows, timesteps, the weights' SHA-256

Item 0 is a prompt of the course, item 1 the empty prompt; timesteps 500 and 20. Rerun it
whenever Models/trained changes (the test compares the SHA-256 first and says so).

    python3 tools/train/make_trained_fixture.py
"""

import argparse
import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

import torch  # noqa: E402
from safetensors.torch import save_file  # noqa: E402

from train import load_folder, token_rows, words_of  # noqa: E402

PROMPTS = ["an oil painting of an old man", ""]
TIMESTEPS = [500, 20]
WEIGHTS = "unet/diffusion_pytorch_model.fp16.safetensors"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=os.path.join(REPO, "Models", "trained"))
    parser.add_argument("--out", default=os.path.join(REPO, "Tests", "noisebookTests", "Fixtures", "trained-shipped"))
    args = parser.parse_args()
    torch.set_num_threads(1)
    unet, table, words = load_folder(args.model)
    index = {w: i for i, w in enumerate(words)}
    rows = torch.tensor([token_rows(p, index) for p in PROMPTS])
    embeddings = table[rows]                                          # [2, 77, D]
    size = unet.config.sample_size
    x = torch.randn(2, 3, size, size, generator=torch.Generator().manual_seed(5))
    with torch.no_grad():
        out = unet(x, torch.tensor(TIMESTEPS), encoder_hidden_states=embeddings).sample
    os.makedirs(args.out, exist_ok=True)
    save_file({"x": x.contiguous(), "encoder_hidden_states": embeddings.contiguous()},
              os.path.join(args.out, "inputs.safetensors"))
    save_file({"output": out.contiguous()}, os.path.join(args.out, "expected.safetensors"))
    with open(os.path.join(args.model, WEIGHTS), "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    expected = {
        "prompts": [{"text": p, "words": [w for w in words_of(p) if w in index], "tokens": r}
                    for p, r in zip(PROMPTS, rows.tolist())],
        "timesteps": TIMESTEPS,
        "weights": WEIGHTS,
        "weightsSHA256": sha,
        "max_abs_output": float(out.abs().max()),
        "note": "output = diffusers UNet2DConditionModel (fp16 weights widened to fp32) on "
                "inputs.safetensors; made by tools/train/make_trained_fixture.py",
    }
    with open(os.path.join(args.out, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
    print(f"{args.out}: max |output| {expected['max_abs_output']:.4f}, weights {sha[:12]}")


if __name__ == "__main__":
    main()
