#!/usr/bin/env python3
"""Trains a small DeepFloyd-IF-stage-I-shaped UNet on the built-in emoji set (developer tool).

Run with the system Python that has torch and diffusers 0.30.3 (see tools/train/README.md):

    /usr/bin/python3 tools/train/train.py --out DIR --minutes 10          # full size, for a GPU
    /usr/bin/python3 tools/train/train.py --tiny --out DIR --minutes 3    # tiny, runs on a CPU
    /usr/bin/python3 tools/train/train.py --export-random --out DIR       # tiny, random weights (test fixture)

Writes the model folder that noisebook loads:

    DIR/unet/config.json                               UNet2DConditionModel config (IF-I layout)
    DIR/unet/diffusion_pytorch_model.fp16.safetensors  EMA weights, fp16
    DIR/scheduler/scheduler_config.json                IF's DDPMScheduler config
    DIR/text/vocabulary.json                           {"words", "tokens": 77, "lowercase": true}
    DIR/text/embeddings.safetensors                    "word_embeddings" F16 [len(words), encoder_hid_dim]
    DIR/training.json                                  what was run, on what, and how it went
and, when training, DIR/checkpoints/ (live and EMA weights, optimizer state, step; not
part of the model) and
DIR/evaluation/ (sample grids and evaluation.json). With --export-random it also writes
DIR/inputs.safetensors and DIR/expected.json, a parity check for the Swift port.

Text conditioning (noisebook reimplements exactly this): the text is lowercased, split into
words with the regex [a-z0-9]+, each word is mapped to its row in `words` (unknown words are
dropped), at most 77 rows are kept and the sequence is padded with row 0 ("<pad>") to 77 rows.
The embedding table rows of those 77 indices are the encoder_hidden_states [77, D]. The empty
prompt (77 pad rows) is the unconditional input. The vocabulary is "<pad>" followed by every
word of the captions (not the keywords), sorted.
"""

import time

START = time.time()

import argparse  # noqa: E402
import contextlib  # noqa: E402
import copy  # noqa: E402
import glob  # noqa: E402
import hashlib  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402


def _limit_threads():
    """Caps the BLAS/OpenMP pools at --threads (default 1) before numpy and torch load them:
    torch.set_num_threads alone leaves Debian torch's OpenBLAS with a thread per core."""
    threads = "1"
    for i, arg in enumerate(sys.argv):
        if arg == "--threads" and i + 1 < len(sys.argv):
            threads = sys.argv[i + 1]
        elif arg.startswith("--threads="):
            threads = arg.split("=", 1)[1]
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, threads)


_limit_threads()


TOOLS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, TOOLS)
import debian_numpy  # noqa: E402  (Debian's numpy under Debian's torch; nothing elsewhere)

debian_numpy.prefer()

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from PIL import Image  # noqa: E402
from diffusers import DDPMScheduler, UNet2DConditionModel  # noqa: E402
from safetensors.torch import load_file, save_file  # noqa: E402

REPO = os.path.dirname(TOOLS)
from make_if_fixtures import IF_SCHEDULER, if_config, perturb  # noqa: E402

EMOJI = os.path.join(REPO, "Models", "emoji")
ATLAS = os.path.join(EMOJI, "atlas.png")
CAPTIONS = os.path.join(EMOJI, "captions.json")
LICENCE = "trained on Noto Color Emoji, Apache-2.0; see Models/emoji/LICENSE.md"

TOKENS = 77
PAD = "<pad>"
WORD = re.compile(r"[a-z0-9]+")

VB_LAMBDA = 0.001          # lambda of L_hybrid = L_simple + lambda * L_vlb (Nichol & Dhariwal)
CAPTION_DROPOUT = 0.1      # share of training items given the empty prompt (for CFG)
VALIDATION_EVERY = 20      # every 20th emoji (index % 20 == 0) is held out
MAX_SHIFT_PX = 4.0         # augmentation: shift up to 4 px of a 64 px tile (scaled with the size)
SCALE_RANGE = (0.9, 1.1)   # augmentation: zoom
EVAL_TIMESTEPS = list(range(990, -1, -30))  # the course's strided loop: 34 timesteps, 33 steps
EVAL_GUIDANCES = [1.0, 7.0]
EVAL_COUNT = 20
HISTORY_POINTS = 20        # validation points over a run (plus step 0 and the last step)
PROBE_WARM, PROBE_TIMED = 2, 5

PRESETS = {
    # The shipped default model (Models/trained): sized for 2 CPU cores and a couple of hours.
    # Attention only at the two coarsest levels (16x16 and 8x8 for 64x64 images): at 32x32 it
    # costs more than the rest of a step. A 32x32 phase learns the coarse structure at a
    # quarter of the cost, then the 64x64 phase the size the notebooks use.
    "cpu": dict(block_out=[32, 64, 128, 128], layers=1, head_dim=32, cross_dim=128, text_dim=128,
                text_heads=4, groups=16, size=64, attention_from=2, clipart=True,
                phases=[dict(size=32, batch=32, steps=1400), dict(size=64, batch=16, steps=1100)],
                lr=4e-4, warmup=200, weight_decay=0.01, ema=0.999, minutes=120.0,
                checkpoint_minutes=5.0, reserve_seconds=150.0),
    # ~27M parameters at 64x64, IF's layout: for a GPU.
    "full": dict(block_out=[64, 128, 192, 256], layers=2, head_dim=64, cross_dim=256,
                 text_dim=256, text_heads=4, groups=32, size=64, clipart=True,
                 phases=[dict(size=64, batch=128, steps=20000)], lr=2e-4,
                 warmup=200, weight_decay=0.01, ema=0.999, minutes=60.0, checkpoint_minutes=5.0,
                 reserve_seconds=120.0),
    # ~0.14M parameters at 32x32 (tiles downscaled): every line of the script, on a CPU, in
    # minutes, and small enough (fp16 ~0.3 MB) to be a test fixture. cross_attention_dim must be
    # a multiple of 32 (diffusers' norm_cross GroupNorm has 32 groups in the SimpleCrossAttn blocks).
    "tiny": dict(block_out=[8, 16, 16, 16], layers=1, head_dim=8, cross_dim=32,
                 text_dim=16, text_heads=2, groups=4, size=32, batch=16, lr=1e-3,
                 phases=[dict(size=32, batch=16, steps=700)],
                 warmup=10, weight_decay=0.01, ema=0.9, minutes=3.0, checkpoint_minutes=1.0,
                 reserve_seconds=20.0),
}
VALIDATION_ITEMS = 128     # held-out items in the validation loss (all of them when fewer)


def log(message):
    print(f"[{time.time() - START:7.1f}s] {message}", flush=True)


# ---------------------------------------------------------------------------------------------
# Text conditioning


def words_of(text):
    """The words of a caption or prompt: lowercased, then runs of [a-z0-9]."""
    return WORD.findall(text.lower())


def build_vocabulary(captions):
    return [PAD] + sorted({w for c in captions for w in words_of(c)})


def token_rows(text, index):
    """The 77 embedding-table rows for a text: known words in order, then row 0 ("<pad>")."""
    rows = [index[w] for w in words_of(text) if w in index][:TOKENS]
    return rows + [0] * (TOKENS - len(rows))


# ---------------------------------------------------------------------------------------------
# Data


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def load_emoji(size):
    """All tiles as float32 [N, 3, size, size] in [-1, 1] (transparent pixels over white)."""
    with open(CAPTIONS, "rb") as f:
        captions_bytes = f.read()
    meta = json.loads(captions_bytes)
    with open(ATLAS, "rb") as f:
        atlas_bytes = f.read()
    atlas_sha = sha256_hex(atlas_bytes)
    if atlas_sha != meta["atlasSHA256"]:
        raise SystemExit(f"atlas.png SHA-256 {atlas_sha} differs from captions.json's {meta['atlasSHA256']}")

    image = Image.open(io.BytesIO(atlas_bytes))
    image.load()
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, rgba)
    image = image.convert("RGB")
    width, height = image.size
    pixels = torch.frombuffer(bytearray(image.tobytes()), dtype=torch.uint8).view(height, width, 3)

    tile, columns = meta["tile"], meta["columns"]
    items = meta["items"]
    assert len(items) == meta["count"], (len(items), meta["count"])
    tiles = []
    for position, item in enumerate(items):
        assert item["index"] == position, (item["index"], position)
        row, column = divmod(item["index"], columns)
        tiles.append(pixels[row * tile:(row + 1) * tile, column * tile:(column + 1) * tile])
    images = torch.stack(tiles).permute(0, 3, 1, 2).float() / 127.5 - 1.0
    if size != tile:
        if tile % size == 0:
            images = F.interpolate(images, size=(size, size), mode="area")
        else:
            images = F.interpolate(images, size=(size, size), mode="bilinear", align_corners=False,
                                   antialias=True)
    digest = {"atlas": "Models/emoji/atlas.png", "captions": "Models/emoji/captions.json",
              "atlasSHA256": atlas_sha, "captionsSHA256": sha256_hex(captions_bytes),
              "tile": tile, "count": len(items)}
    return images.contiguous(), [item["caption"] for item in items], digest


def augment(x, size, gen):
    """Random small shifts (up to 4 px of 64) and zooms (0.9-1.1), white fill, no flips."""
    b = x.shape[0]
    scale = (SCALE_RANGE[0] + (SCALE_RANGE[1] - SCALE_RANGE[0]) * torch.rand(b, generator=gen)).to(x.device)
    shift = ((torch.rand(b, 2, generator=gen) * 2 - 1) * (MAX_SHIFT_PX * size / 64.0) * (2.0 / size)).to(x.device)
    theta = torch.zeros(b, 2, 3, device=x.device)
    theta[:, 0, 0] = 1.0 / scale
    theta[:, 1, 1] = 1.0 / scale
    theta[:, :, 2] = shift
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    # Zero padding of (x - 1) is white (+1) padding of x.
    return F.grid_sample(x - 1.0, grid, mode="bilinear", padding_mode="zeros", align_corners=False) + 1.0


# ---------------------------------------------------------------------------------------------
# Diffusion: IF's schedule and the hybrid loss of improved DDPM


class Diffusion:
    def __init__(self, device):
        scheduler = DDPMScheduler(**{k: v for k, v in IF_SCHEDULER.items() if not k.startswith("_")})
        ac = scheduler.alphas_cumprod.double()           # the scheduler's float32 values
        self.T = ac.shape[0]
        prev = torch.cat([torch.ones(1, dtype=ac.dtype), ac[:-1]])
        beta = 1 - ac / prev                              # diffusers' current_beta_t for t-1 -> t
        post_var = beta * (1 - prev) / (1 - ac)           # 0 at t = 0
        f = lambda a: a.float().to(device)  # noqa: E731
        self.alphas_cumprod = f(ac)
        self.ac_cpu = ac.float()
        self.sqrt_ac = f(ac.sqrt())
        self.sqrt_1m_ac = f((1 - ac).sqrt())
        self.log_beta = f(beta.log())
        # As improved-diffusion: the t = 0 entry (log 0) is replaced by the t = 1 entry. For t >= 1
        # this equals diffusers' learned_range lower end log(max(posterior variance, 1e-20)).
        self.post_logvar = f(torch.cat([post_var[1:2], post_var[1:]]).log())
        self.coef1 = f(beta * prev.sqrt() / (1 - ac))
        self.coef2 = f((1 - prev) * (1 - beta).sqrt() / (1 - ac))

    def q_sample(self, x0, t, eps):
        return _g(self.sqrt_ac, t) * x0 + _g(self.sqrt_1m_ac, t) * eps

    def losses(self, out, x0, xt, eps, t):
        """Per-item hybrid loss, the MSE on the noise, and the VB term in bits per dimension.

        L = mse(eps_pred, eps) + lambda * L_vlb, with L_vlb = sum over the T steps of L_t
        estimated from the uniformly sampled t as T * L_t: per item mse + 0.001 * 1000 * L_t.
        This is improved-diffusion's `mse + vb * num_timesteps / 1000` (RESCALED_MSE).
        The noise prediction is detached in L_t, so L_t only trains the variance channels.
        """
        eps_pred, v = out[:, :3], out[:, 3:]
        dims = tuple(range(1, out.ndim))
        mse = (eps_pred - eps).pow(2).mean(dim=dims)

        x0_pred = (xt - _g(self.sqrt_1m_ac, t) * eps_pred.detach()) / _g(self.sqrt_ac, t)
        c1, c2 = _g(self.coef1, t), _g(self.coef2, t)
        model_mean = c1 * x0_pred + c2 * xt
        frac = (v + 1) / 2                                  # learned_range
        min_log = _g(self.post_logvar, t)
        model_logvar = frac * _g(self.log_beta, t) + (1 - frac) * min_log
        true_mean = c1 * x0 + c2 * xt
        true_logvar = min_log
        # KL(q(x_{t-1} | x_t, x_0) || p(x_{t-1} | x_t)) for t >= 1.
        kl = 0.5 * (-1.0 + model_logvar - true_logvar + torch.exp(true_logvar - model_logvar)
                    + (true_mean - model_mean).pow(2) * torch.exp(-model_logvar))
        # t = 0: the discretized decoder NLL -log p(x_0 | x_1) is approximated by the continuous
        # Gaussian NLL of x_0 plus log(255 / 2) (-log of density times the bin width 2/255 of
        # [-1, 1] in 8 bits), with the t = 1 posterior variance as the lower end of the range; the
        # constant only shifts the reported value, the gradient is that of the Gaussian NLL.
        nll = (0.5 * (math.log(2 * math.pi) + model_logvar
                      + (x0 - model_mean).pow(2) * torch.exp(-model_logvar)) + math.log(127.5))
        vb = torch.where((t == 0).view(-1, *[1] * (out.ndim - 1)), nll, kl).mean(dim=dims) / math.log(2.0)
        loss = mse + VB_LAMBDA * self.T * vb
        return loss, mse, vb


def _g(a, t):
    return a[t].view(-1, 1, 1, 1)


# ---------------------------------------------------------------------------------------------
# Model


def make_config(preset, size=None):
    """IF's block types, or with `attention_from` = k plain resnet levels before the first
    cross-attention level (k = 1 is IF's own layout)."""
    config = if_config(preset["block_out"], preset["layers"], preset["head_dim"], preset["cross_dim"],
                       preset["text_dim"], preset["text_heads"], preset["groups"], size or preset["size"])
    k, n = preset.get("attention_from", 1), len(preset["block_out"])
    if k != 1:
        config["down_block_types"] = ["ResnetDownsampleBlock2D"] * k + ["SimpleCrossAttnDownBlock2D"] * (n - k)
        config["up_block_types"] = ["SimpleCrossAttnUpBlock2D"] * (n - k) + ["ResnetUpsampleBlock2D"] * k
    return config


def count(module):
    return sum(p.numel() for p in module.parameters())


class EMA:
    """EMA of the UNet and the embedding table; decay ramps up as in diffusers' EMAModel."""

    def __init__(self, modules, decay):
        self.modules = modules
        self.shadow = [copy.deepcopy(m).eval().requires_grad_(False) for m in modules]
        self.decay = decay
        self.updates = 0

    @torch.no_grad()
    def update(self):
        self.updates += 1
        d = min(self.decay, (1 + self.updates) / (10 + self.updates))
        for live, shadow in zip(self.modules, self.shadow):
            live_params = [p.detach() for p in live.parameters()]
            shadow_params = list(shadow.parameters())
            torch._foreach_mul_(shadow_params, d)
            torch._foreach_add_(shadow_params, live_params, alpha=1 - d)
            for b, s in zip(live.buffers(), shadow.buffers()):
                s.copy_(b)


def export(folder, unet, table, words, training=None, counts=None):
    """Writes the model folder (fp16 UNet, scheduler config, vocabulary and fp16 embeddings);
    `counts[i]` (when given) is how many training captions use words[i], for `noisebook prompts`."""
    os.makedirs(os.path.join(folder, "unet"), exist_ok=True)
    os.makedirs(os.path.join(folder, "scheduler"), exist_ok=True)
    os.makedirs(os.path.join(folder, "text"), exist_ok=True)
    half = copy.deepcopy(unet).to("cpu").float().half()
    half.save_pretrained(os.path.join(folder, "unet"), variant="fp16", safe_serialization=True)
    with open(os.path.join(folder, "scheduler", "scheduler_config.json"), "w") as f:
        json.dump(IF_SCHEDULER, f, indent=2)
    with open(os.path.join(folder, "text", "vocabulary.json"), "w") as f:
        vocabulary = {"words": words, "tokens": TOKENS, "lowercase": True}
        if counts is not None:
            vocabulary["counts"] = counts
        json.dump(vocabulary, f, indent=1)
    weights = table.detach().to("cpu").float().half().contiguous()
    assert weights.shape[0] == len(words)
    save_file({"word_embeddings": weights}, os.path.join(folder, "text", "embeddings.safetensors"))
    if training is not None:
        write_training(folder, training)


def write_training(folder, training):
    with open(os.path.join(folder, "training.json"), "w") as f:
        json.dump(training, f, indent=1)


def load_folder(folder, device="cpu"):
    """Reads a model folder back as noisebook does: fp16 weights widened to fp32."""
    unet = UNet2DConditionModel.from_pretrained(os.path.join(folder, "unet"), variant="fp16")
    unet = unet.float().to(device).eval()
    table = load_file(os.path.join(folder, "text", "embeddings.safetensors"))["word_embeddings"]
    assert table.dtype == torch.float16, table.dtype
    with open(os.path.join(folder, "text", "vocabulary.json")) as f:
        vocabulary = json.load(f)
    assert vocabulary["words"][0] == PAD and len(vocabulary["words"]) == table.shape[0]
    assert table.shape[1] == unet.config.encoder_hid_dim
    return unet, table.float().to(device), vocabulary["words"]


# ---------------------------------------------------------------------------------------------
# Sampling and evaluation


@torch.no_grad()
def sample(unet, diffusion, cond, uncond, guidance, x, noises):
    """The course's strided DDPM loop (noisebook's Sampler.denoise): one step per pair
    (t, t') of EVAL_TIMESTEPS, 990 -> 960, ..., 30 -> 0 (33 steps): the posterior mean of the x0
    estimate plus the learned variance (learned_range over the strided step), noise added at
    every step (t > 0), no thresholding or clipping. Returns x at t = 0."""
    ac = diffusion.ac_cpu
    b = x.shape[0]
    for i, (t, prev) in enumerate(zip(EVAL_TIMESTEPS[:-1], EVAL_TIMESTEPS[1:])):
        ts = torch.full((b,), t, dtype=torch.long, device=x.device)
        if guidance == 1.0:
            out = unet(x, ts, encoder_hidden_states=cond).sample.float()
            eps, v = out[:, :3], out[:, 3:]
        else:
            out = unet(torch.cat([x, x]), torch.cat([ts, ts]),
                       encoder_hidden_states=torch.cat([uncond, cond])).sample.float()
            out_u, out_c = out[:b], out[b:]
            eps = out_u[:, :3] + guidance * (out_c[:, :3] - out_u[:, :3])
            v = out_c[:, 3:]                  # as IF's pipeline: the conditional variance
        abar_t = float(ac[t])
        abar_prev = float(ac[prev])
        alpha_t = abar_t / abar_prev
        beta_t = 1 - alpha_t
        x0 = (x - math.sqrt(1 - abar_t) * eps) / math.sqrt(abar_t)
        mean = ((math.sqrt(abar_prev) * beta_t / (1 - abar_t)) * x0
                + (math.sqrt(alpha_t) * (1 - abar_prev) / (1 - abar_t)) * x)
        posterior = max((1 - abar_prev) / (1 - abar_t) * beta_t, 1e-20)
        frac = (v + 1) / 2
        log_var = frac * math.log(beta_t) + (1 - frac) * math.log(posterior)
        x = mean + torch.exp(0.5 * log_var) * noises[i]
    return x


def to_png(images, path):
    """Writes [H, W, 3] float [-1, 1] as an RGB PNG."""
    array = ((images.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).cpu().numpy()
    Image.fromarray(array, "RGB").save(path)


def grid(cells, columns, gap=2):
    """cells: list of lists of [3, S, S] images (each inner list one group, side by side)."""
    s = cells[0][0].shape[-1]
    per = len(cells[0])
    rows = (len(cells) + columns - 1) // columns
    width = columns * (per * s + gap) + gap
    height = rows * (s + gap) + gap
    canvas = torch.ones(height, width, 3)
    for k, group in enumerate(cells):
        r, c = divmod(k, columns)
        y = gap + r * (s + gap)
        x = gap + c * (per * s + gap)
        for j, image in enumerate(group):
            canvas[y:y + s, x + j * s:x + (j + 1) * s] = image.permute(1, 2, 0).cpu()
    return canvas


def evaluate(folder, diffusion, images, captions, train_ids, val_ids, seed, device):
    """Samples 20 captions (10 held out, 10 trained) at guidance 1 and 7 from the exported model."""
    unet, table, words = load_folder(folder, device)
    index = {w: i for i, w in enumerate(words)}
    picks = ([("validation", val_ids[k * len(val_ids) // 10]) for k in range(10)]
             + [("train", train_ids[(2 * k + 1) * len(train_ids) // 20]) for k in range(10)])
    assert len(picks) == EVAL_COUNT
    tokens = torch.tensor([token_rows(captions[i], index) for _, i in picks], device=device)
    cond = table[tokens]
    uncond = table[torch.zeros_like(tokens)]
    size = images.shape[-1]
    gen = torch.Generator().manual_seed(seed + 7)
    x_T = torch.randn(EVAL_COUNT, 3, size, size, generator=gen).to(device)
    noises = [torch.randn(EVAL_COUNT, 3, size, size, generator=gen).to(device) for _ in EVAL_TIMESTEPS[1:]]
    train_flat = images[train_ids].reshape(len(train_ids), -1).to(device)
    out_dir = os.path.join(folder, "evaluation")
    os.makedirs(out_dir, exist_ok=True)
    result = {"timesteps": EVAL_TIMESTEPS, "guidances": EVAL_GUIDANCES, "seed": seed + 7,
              "sample_size": size, "model": "the exported fp16 weights widened to fp32",
              "loop": "strided DDPM, posterior mean of the x0 estimate plus the learned variance, "
                      "no thresholding; CFG uses the conditional variance",
              "distance": "L2 over all values in [-1, 1] (sample clamped to [-1, 1]) to the "
                          "training-split images at the sample size",
              "layout": "each cell: the caption's own image | sample | nearest training image; "
                        "cells left to right, top to bottom, in the order of items",
              "grids": {}, "summary": {}, "items": []}
    for k, (split, i) in enumerate(picks):
        result["items"].append({"index": i, "caption": captions[i], "split": split, "samples": {}})
    for g in EVAL_GUIDANCES:
        started = time.time()
        raw = sample(unet, diffusion, cond, uncond, g, x_T.clone(), noises)
        samples = raw.clamp(-1, 1)
        flat = samples.reshape(EVAL_COUNT, -1)
        distances = torch.cdist(flat, train_flat)
        nearest_l2, nearest = distances.min(dim=1)
        own = images[[i for _, i in picks]].to(device).reshape(EVAL_COUNT, -1)
        own_l2 = (flat - own).norm(dim=1)
        key = f"{g:g}"
        name = f"samples-g{key}.png"
        cells = [[images[i].to(device), samples[k], images[train_ids[int(nearest[k])]].to(device)]
                 for k, (_, i) in enumerate(picks)]
        to_png(grid(cells, 4), os.path.join(out_dir, name))
        result["grids"][key] = name
        for k, item in enumerate(result["items"]):
            n = train_ids[int(nearest[k])]
            item["samples"][key] = {"nearest_index": n, "nearest_caption": captions[n],
                                    "nearest_l2": round(float(nearest_l2[k]), 4),
                                    "own_l2": round(float(own_l2[k]), 4)}
        result["summary"][key] = {
            "mean_nearest_l2": round(float(nearest_l2.mean()), 4),
            "mean_own_l2": round(float(own_l2.mean()), 4),
            "nearest_is_own": sum(1 for k, (_, i) in enumerate(picks) if train_ids[int(nearest[k])] == i),
            # Before clamping: a loop that diverged (an undertrained model's noise estimate at
            # t = 990 is amplified by 1 / sqrt(abar_990) ~ 71) shows here.
            "raw_abs_max": round(float(raw.abs().max()), 3),
            "raw_std": round(float(raw.std()), 4),
            "seconds": round(time.time() - started, 2)}
        log(f"evaluation guidance {key}: mean nearest L2 {result['summary'][key]['mean_nearest_l2']}, "
            f"mean own L2 {result['summary'][key]['mean_own_l2']}")
    with open(os.path.join(out_dir, "evaluation.json"), "w") as f:
        json.dump(result, f, indent=1)
    return result


# ---------------------------------------------------------------------------------------------
# Training


def describe_device(device):
    if device.type == "cuda":
        return f"cuda: {torch.cuda.get_device_name(device)}"
    return f"cpu: {platform.processor() or platform.machine()}, {torch.get_num_threads()} thread(s)"


def mixed_precision(enabled):
    """bf16 autocast on CUDA; nothing on the CPU (torch 1.13's autocast(enabled=False) still
    queries CUDA, so it is not entered at all there)."""
    if enabled:
        return torch.autocast(device_type="cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def train(args, preset, mode):
    """Trains in phases (size, batch, steps) toward a fixed plan, resumably.

    Every random draw of step s (batch items, augmentation, caption dropout, t, noise) comes
    from a generator seeded with (seed, s), so a run resumed from a checkpoint at step s takes
    exactly the batches an uninterrupted run would. The checkpoint holds the live and EMA
    weights, the optimizer state, the step, the history and the seconds spent so far. Each
    invocation trains until the plan is done or its --minutes budget runs out, checkpoints, and
    exports the EMA weights with an evaluation, so every stop leaves a usable model folder."""
    device = torch.device("cuda" if torch.cuda.is_available() and not args.cpu else "cpu")
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    invocation_started = time.time()
    deadline = START + args.minutes * 60.0
    phases = plan_phases(preset, args)
    total = sum(p["steps"] for p in phases)
    final_size = phases[-1]["size"]

    data = load_training_data(preset, args)
    words = build_vocabulary(data["captions"])
    index = {w: i for i, w in enumerate(words)}
    all_tokens = torch.tensor([token_rows(c, index) for c in data["captions"]])
    train_ids, val_ids = data["train_ids"], data["val_ids"]
    log(f"{len(data['captions'])} images ({data['describe']}): {len(train_ids)} train, "
        f"{len(val_ids)} validation; vocabulary {len(words)} words")
    by_size = {s: resized(data["images"], s).to(device) for s in {p["size"] for p in phases}}
    train_tokens = all_tokens[train_ids].to(device)
    train_index = torch.tensor(train_ids, device=device)

    torch.manual_seed(args.seed)
    config = make_config(preset, final_size)
    unet = UNet2DConditionModel(**config).to(device).train()
    table = nn.Embedding(len(words), preset["text_dim"]).to(device)
    n_unet, n_table = count(unet), count(table)
    log(f"UNet {n_unet:,} parameters ({n_unet / 1e6:.2f}M), embeddings {n_table:,}; device {describe_device(device)}")

    diffusion = Diffusion(device)
    # What a fine-tune may change: the peak learning rate, and the share of each batch whose t
    # is drawn from the noisier half (t in 500..999) rather than from all 1000 timesteps. The
    # eps loss weighs every t alike, yet an error at high t moves the predicted image the most
    # (x0 = (x_t - sqrt(1 - abar) eps) / sqrt(abar)), and that is where a sample's layout is set.
    if not 0.0 <= args.high_noise_share <= 1.0:
        raise SystemExit(f"--high-noise-share {args.high_noise_share:g}: a share of the batch, 0 to 1")
    settings = {"lr": args.lr if args.lr is not None else preset["lr"],
                "high_noise_share": args.high_noise_share}
    params = list(unet.parameters()) + list(table.parameters())
    optimizer = torch.optim.AdamW(params, lr=settings["lr"], weight_decay=preset["weight_decay"])
    ema = EMA([unet, table], preset["ema"])
    autocast = device.type == "cuda"
    warmup = preset["warmup"]

    # Fixed validation items at the final size: held-out images, their captions, fixed t and noise.
    vgen = torch.Generator().manual_seed(args.seed + 1)
    val_pick = val_ids[:VALIDATION_ITEMS]
    val_x0 = by_size[final_size][val_pick]
    val_tokens = all_tokens[val_pick].to(device)
    val_t = torch.randint(0, diffusion.T, (len(val_pick),), generator=vgen).to(device)
    val_eps = torch.randn(val_x0.shape, generator=vgen).to(device)

    @torch.no_grad()
    def validation_loss():
        shadow_unet, shadow_table = ema.shadow
        total_loss = 0.0
        for s in range(0, len(val_pick), 64):
            sl = slice(s, s + 64)
            xt = diffusion.q_sample(val_x0[sl], val_t[sl], val_eps[sl])
            with mixed_precision(autocast):
                out = shadow_unet(xt, val_t[sl], encoder_hidden_states=shadow_table(val_tokens[sl])).sample
            loss, _, _ = diffusion.losses(out.float(), val_x0[sl], xt, val_eps[sl], val_t[sl])
            total_loss += float(loss.sum())
        return total_loss / len(val_pick)

    def lr_at(step):
        if step < warmup:
            return settings["lr"] * (step + 1) / warmup
        progress = min(1.0, (step - warmup) / max(1, total - warmup))
        return settings["lr"] * 0.5 * (1 + math.cos(math.pi * progress))

    def phase_of(step):
        start = 0
        for phase in phases:
            if step < start + phase["steps"]:
                return phase
            start += phase["steps"]
        return phases[-1]

    def train_step(step):
        phase = phase_of(step)
        size, batch = phase["size"], phase["batch"]
        gen = torch.Generator().manual_seed(args.seed * 1_000_003 + step)
        for group in optimizer.param_groups:
            group["lr"] = lr_at(step)
        pick = torch.randint(0, len(train_ids), (batch,), generator=gen)
        x0 = augment(by_size[size][train_index[pick.to(device)]], size, gen)
        tokens = train_tokens[pick.to(device)].clone()
        tokens[(torch.rand(batch, generator=gen) < CAPTION_DROPOUT).to(device)] = 0
        t = torch.randint(0, diffusion.T, (batch,), generator=gen)
        noisier = int(round(settings["high_noise_share"] * batch))
        if noisier:
            t[:noisier] = torch.randint(diffusion.T // 2, diffusion.T, (noisier,), generator=gen)
        t = t.to(device)
        eps = torch.randn(x0.shape, generator=gen).to(device)
        xt = diffusion.q_sample(x0, t, eps)
        with mixed_precision(autocast):
            out = unet(xt, t, encoder_hidden_states=table(tokens)).sample
        loss, _, _ = diffusion.losses(out.float(), x0, xt, eps, t)
        loss = loss.mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        ema.update()
        return float(loss.detach())

    checkpoints = os.path.join(args.out, "checkpoints")
    os.makedirs(checkpoints, exist_ok=True)
    state = {"step": 0, "history": [], "window": [], "seconds": 0.0, "invocations": 0}
    latest = sorted(glob.glob(os.path.join(checkpoints, "step-*.pt")))
    if args.init_from and not latest:
        warm_start(args.init_from, unet, table, ema, words, config)
        state["init_from"] = describe_model_folder(args.init_from)
        log(f"starting from the weights of {args.init_from} (fresh optimizer state)")
    if latest:
        saved = torch.load(latest[-1], map_location=device, weights_only=False)
        # Checkpoints written before the fine-tune settings existed trained with the preset's.
        saved.setdefault("settings", {"lr": preset["lr"], "high_noise_share": 0.0})
        for key in ("config", "words", "phases", "data_digest", "seed", "settings"):
            ours = {"config": config, "words": words, "phases": phases,
                    "data_digest": data["digest"], "seed": args.seed, "settings": settings}[key]
            if json.dumps(saved[key], sort_keys=True, default=str) == json.dumps(ours, sort_keys=True, default=str):
                continue
            if key == "phases" and args.replan:
                check_replan(saved["phases"], phases, saved["state"]["step"])
                continue
            raise SystemExit(f"{latest[-1]}: its {key} differs from this run's; use another --out"
                             + (" (or --replan for new phases)" if key == "phases" else ""))
        unet.load_state_dict(saved["unet"])
        table.load_state_dict(saved["embeddings"])
        ema.shadow[0].load_state_dict(saved["ema_unet"])
        ema.shadow[1].load_state_dict(saved["ema_embeddings"])
        ema.updates = saved["ema_updates"]
        optimizer.load_state_dict(saved["optimizer"])
        state = saved["state"]
        if saved["phases"] != phases:
            state.setdefault("replans", []).append({"step": state["step"], "from": saved["phases"], "to": phases})
            log(f"replanned at step {state['step']}: {saved['phases']} -> {phases}")
        log(f"resumed from {latest[-1]} at step {state['step']} of {total}")

    def checkpoint():
        step = state["step"]
        path = os.path.join(checkpoints, f"step-{step:07d}.pt")
        saved = {"unet": unet.state_dict(), "embeddings": table.state_dict(),
                 "ema_unet": ema.shadow[0].state_dict(), "ema_embeddings": ema.shadow[1].state_dict(),
                 "ema_updates": ema.updates, "optimizer": optimizer.state_dict(),
                 "config": config, "words": words, "phases": phases,
                 "data_digest": data["digest"], "seed": args.seed, "settings": settings, "preset": preset,
                 "state": {**state, "seconds": state["seconds"] + time.time() - invocation_started}}
        torch.save(saved, path + ".tmp")
        os.replace(path + ".tmp", path)
        for old in sorted(glob.glob(os.path.join(checkpoints, "step-*.pt")))[:-2]:
            os.remove(old)   # keep the newest two
        log(f"checkpoint {path}")

    validation_every = max(1, total // HISTORY_POINTS)
    if not state["history"]:
        state["history"].append({"step": 0, "train": None, "validation": round(validation_loss(), 5)})
        log(f"step 0 validation loss {state['history'][0]['validation']:.4f}")
    checkpoint_every = 60.0 * (args.checkpoint_minutes if args.checkpoint_minutes is not None
                               else preset["checkpoint_minutes"])
    # Keep time for the last checkpoint, the export and the evaluation inside the budget.
    stop_at = deadline - preset.get("reserve_seconds", 60.0)
    last_checkpoint = time.time()
    if not args.export_only:
        state["invocations"] += 1
        state.setdefault("commands", []).append(shlex.join(["python3"] + sys.argv))
    step_times = []
    until = state["step"] if args.export_only else min(total, args.until_step or total)
    while state["step"] < until and time.time() < stop_at:
        started = time.time()
        state["window"].append(train_step(state["step"]))
        state["step"] += 1
        step_times.append(time.time() - started)
        step = state["step"]
        if step % validation_every == 0 or step == total:
            entry = {"step": step, "train": round(sum(state["window"]) / len(state["window"]), 5),
                     "validation": round(validation_loss(), 5), "size": phase_of(step - 1)["size"]}
            state["window"] = []
            state["history"].append(entry)
            log(f"step {step}/{total} size {entry['size']} lr {lr_at(step - 1):.2e} train {entry['train']:.4f} "
                f"validation {entry['validation']:.4f} ({sum(step_times[-50:]) / len(step_times[-50:]):.2f} s/step)")
        if time.time() - last_checkpoint > checkpoint_every:
            checkpoint()
            last_checkpoint = time.time()
    if not args.export_only:
        checkpoint()
    finished = state["step"] >= total
    if not finished:
        log(f"stopped at step {state['step']} of {total} (budget); rerun the same command to resume")

    uses = {}
    for caption in data["captions"]:
        for w in set(words_of(caption)):
            uses[w] = uses.get(w, 0) + 1
    export(args.out, ema.shadow[0], ema.shadow[1].weight, words, counts=[uses.get(w, 0) for w in words])
    log(f"exported {args.out}")
    evaluation = {"summary": None} if args.skip_evaluation else evaluate(
        args.out, diffusion, by_size[final_size].cpu(), data["captions"], train_ids, val_ids, args.seed, device)
    seconds = state["seconds"] + time.time() - invocation_started
    history = state["history"]
    training = {
        "mode": mode,
        "command": shlex.join(["python3"] + sys.argv),
        "python": sys.executable,
        "argv": sys.argv,
        "seed": args.seed,
        "data": {**data["digest"], "train": len(train_ids), "validation": len(val_ids),
                 "validation_rule": f"index % {VALIDATION_EVERY} == 0 within each source",
                 "validation_loss_items": len(val_pick),
                 "preprocessing": "composited over white, 64x64, scaled to [-1, 1]; smaller phases "
                                  "area-downscale"},
        "sample_size": final_size,
        "model": {"block_out_channels": preset["block_out"], "layers_per_block": preset["layers"],
                  "down_block_types": config["down_block_types"],
                  "attention_head_dim": preset["head_dim"], "cross_attention_dim": preset["cross_dim"],
                  "encoder_hid_dim": preset["text_dim"], "addition_embed_type_num_heads": preset["text_heads"],
                  "norm_num_groups": preset["groups"], "vocabulary": len(words)},
        "parameters": {"unet": n_unet, "embeddings": n_table, "total": n_unet + n_table},
        "hyperparameters": {
            "phases": phases, "optimizer": "AdamW", "lr": settings["lr"],
            "weight_decay": preset["weight_decay"],
            "schedule": f"linear warm-up {warmup} steps, then cosine to 0 at step {total}", "grad_clip": 1.0,
            "ema_decay": preset["ema"], "ema_warmup": "min(decay, (1 + n) / (10 + n))",
            "caption_dropout": CAPTION_DROPOUT,
            "augmentation": f"shift up to {MAX_SHIFT_PX:g} px of 64, scale {SCALE_RANGE[0]}-{SCALE_RANGE[1]}, "
                            "white fill, no flips",
            "loss": f"hybrid (improved DDPM): mse(eps) + {VB_LAMBDA} * {diffusion.T} * L_t "
                    "(L_t in bits/dim, eps detached; t = 0: Gaussian NLL approximation)",
            "timesteps": ("uniform over 0..999" if not settings["high_noise_share"] else
                          f"{settings['high_noise_share']:g} of each batch uniform over 500..999, "
                          "the rest uniform over 0..999"),
            "randomness": "step s draws everything from a generator seeded with seed * 1000003 + s",
            "precision": "bf16 autocast" if autocast else "fp32"},
        "steps": state["step"],
        "planned_steps": total,
        "finished": finished,
        "invocations": state["invocations"],
        "training_commands": state.get("commands", []),
        "replans": state.get("replans", []),
        "init_from": state.get("init_from"),
        "seconds": round(seconds, 1),
        "seconds_per_step_last_invocation": round(sum(step_times) / len(step_times), 4) if step_times else None,
        "device": describe_device(device),
        "torch": torch.__version__,
        "final_train_loss": history[-1]["train"],
        "final_validation_loss": history[-1]["validation"],
        "loss_definition": ("train: mean hybrid loss of the training batches since the previous point "
                            "(live weights, augmented, caption dropout); validation: hybrid loss of the "
                            f"EMA weights on {len(val_pick)} held-out images at {final_size}x{final_size} "
                            "with their captions, fixed t and noise"),
        "history": history,
        "evaluation": {"folder": "evaluation", "summary": evaluation["summary"]},
        "licence": data["licence"],
    }
    write_training(args.out, training)
    log(f"done for now: step {state['step']} of {total}, train {training['final_train_loss']}, "
        f"validation {training['final_validation_loss']}, {training['seconds']}s in all")


def warm_start(folder, unet, table, ema, words, config):
    """Starts live and EMA weights from an exported model folder (same config and vocabulary):
    how training goes on where no checkpoint survived, e.g. on another machine. The optimizer
    state starts afresh, so this continues training; it does not resume it exactly."""
    with open(os.path.join(folder, "unet", "config.json")) as f:
        saved = json.load(f)
    for key, value in config.items():
        if json.dumps(saved.get(key), sort_keys=True) != json.dumps(value, sort_keys=True):
            raise SystemExit(f"--init-from {folder}: its config's {key} is {saved.get(key)!r}, this run's {value!r}")
    with open(os.path.join(folder, "text", "vocabulary.json")) as f:
        if json.load(f)["words"] != words:
            raise SystemExit(f"--init-from {folder}: its vocabulary differs from this run's")
    weights = load_file(os.path.join(folder, "unet", "diffusion_pytorch_model.fp16.safetensors"))
    unet.load_state_dict({k: v.float() for k, v in weights.items()})
    table.weight.data.copy_(load_file(os.path.join(folder, "text", "embeddings.safetensors"))["word_embeddings"].float())
    for live, shadow in zip(ema.modules, ema.shadow):
        shadow.load_state_dict(live.state_dict())


def describe_model_folder(folder):
    """What a warm start started from: the weights' SHA-256 and the steps its training took."""
    with open(os.path.join(folder, "unet", "diffusion_pytorch_model.fp16.safetensors"), "rb") as f:
        sha = sha256_hex(f.read())
    steps = None
    if os.path.exists(os.path.join(folder, "training.json")):
        with open(os.path.join(folder, "training.json")) as f:
            steps = json.load(f).get("steps")
    return {"folder": folder, "weightsSHA256": sha, "steps": steps}


def check_replan(old, new, step):
    """A new plan may change only what lies ahead: every step already taken must have had the
    same size and batch under both, so the data seen so far is what the new plan would have
    shown. The learning-rate schedule follows the new total from here on (recorded)."""
    def phase_at(phases, s):
        start = 0
        for p in phases:
            if s < start + p["steps"]:
                return (p["size"], p["batch"])
            start += p["steps"]
        return None
    if sum(p["steps"] for p in new) < step:
        raise SystemExit(f"--replan: the new plan has fewer steps than the {step} already taken")
    for s in range(step):
        if phase_at(old, s) != phase_at(new, s):
            raise SystemExit(f"--replan: step {s} had size and batch {phase_at(old, s)}, the new plan says {phase_at(new, s)}")


def plan_phases(preset, args):
    """The preset's phases [{size, batch, steps}], scaled to --steps when given."""
    phases = [dict(p) for p in preset["phases"]]
    if args.batch:
        for p in phases:
            p["batch"] = args.batch
    if args.phases:
        phases = []
        for part in args.phases.split(","):
            size, batch, steps = (int(v) for v in part.split(":"))
            phases.append(dict(size=size, batch=batch, steps=steps))
    if args.steps:
        planned = sum(p["steps"] for p in phases)
        for p in phases:
            p["steps"] = max(1, round(p["steps"] * args.steps / planned))
    return phases


def resized(images, size):
    if images.shape[-1] == size:
        return images
    return F.interpolate(images, size=(size, size), mode="area").contiguous()


def load_training_data(preset, args):
    """The emoji set, and with the cpu and full presets the OpenClipArt set that
    tools/train/make_clipart_set.py wrote into --clipart. Every 20th item of each source is
    held out."""
    images, captions, digest = load_emoji(64)
    val_ids = [i for i in range(len(captions)) if i % VALIDATION_EVERY == 0]
    train_ids = [i for i in range(len(captions)) if i % VALIDATION_EVERY != 0]
    describe = f"{len(captions)} emoji"
    licence = LICENCE
    digest = {"emoji": digest}
    if preset.get("clipart"):
        npz = os.path.join(args.clipart, "clipart-64.npz")
        if not os.path.exists(npz):
            raise SystemExit(f"{npz} is missing: run tools/train/make_clipart_set.py --out {args.clipart}")
        with open(npz, "rb") as f:
            sha = sha256_hex(f.read())
        clip = np.load(npz)
        clip_images = torch.from_numpy(clip["images"]).permute(0, 3, 1, 2).float() / 127.5 - 1.0
        clip_captions = [str(c) for c in clip["captions"]]
        base = len(captions)
        clip_val = [base + i for i in range(len(clip_captions)) if i % VALIDATION_EVERY == 0]
        train_ids += [base + i for i in range(len(clip_captions)) if i % VALIDATION_EVERY != 0]
        # Alternating sources, so that any prefix of the held-out items samples both.
        mixed = []
        for k in range(max(len(val_ids), len(clip_val))):
            mixed += val_ids[k:k + 1] + clip_val[k:k + 1]
        val_ids = mixed
        images = torch.cat([images, clip_images])
        captions = captions + clip_captions
        digest["clipart"] = {"file": "clipart-64.npz (tools/train/make_clipart_set.py)",
                             "npzSHA256": sha, "count": len(clip_captions)}
        describe += f" + {len(clip_captions)} OpenClipArt drawings"
        licence += "; and on OpenClipArt drawings (public-domain dedication, Debian's openclipart-png)"
    return {"images": images.contiguous(), "captions": captions, "train_ids": train_ids,
            "val_ids": val_ids, "digest": digest, "describe": describe, "licence": licence}


# ---------------------------------------------------------------------------------------------
# Random-weight fixture


def f32(values):
    """float32 values as the Python floats with the shortest decimals that round-trip."""
    return [float(repr(np.float32(v))) for v in values]


def export_random(args, preset):
    torch.manual_seed(args.seed)
    _, captions, digest = load_emoji_meta()
    words = build_vocabulary(captions)
    table = nn.Embedding(len(words), preset["text_dim"])
    unet = UNet2DConditionModel(**make_config(preset)).eval()
    perturb(unet, torch.Generator().manual_seed(100 + args.seed))
    training = {
        "mode": "random",
        "command": shlex.join(["python3"] + sys.argv),
        "argv": sys.argv,
        "seed": args.seed,
        "data": {**digest, "note": "vocabulary only: random weights, not trained"},
        "sample_size": preset["size"],
        "model": {"block_out_channels": preset["block_out"], "layers_per_block": preset["layers"],
                  "attention_head_dim": preset["head_dim"], "cross_attention_dim": preset["cross_dim"],
                  "encoder_hid_dim": preset["text_dim"], "addition_embed_type_num_heads": preset["text_heads"],
                  "norm_num_groups": preset["groups"], "vocabulary": len(words)},
        "parameters": {"unet": count(unet), "embeddings": count(table), "total": count(unet) + count(table)},
        "steps": 0,
        "seconds": 0.0,
        "device": "cpu",
        "torch": torch.__version__,
        "final_train_loss": None,
        "final_validation_loss": None,
        "history": [],
        "licence": "random weights (vocabulary from the captions of Models/emoji; see Models/emoji/LICENSE.md)",
    }
    export(args.out, unet, table.weight, words)

    # Parity check, from the files as written (fp16 widened to fp32).
    unet, table, words = load_folder(args.out)
    index = {w: i for i, w in enumerate(words)}
    prompt = "red apple"
    if not all(w in index for w in words_of(prompt)):
        prompt = " ".join(words[1:3])
    prompts = [prompt, ""]
    rows = torch.tensor([token_rows(p, index) for p in prompts])
    emb = table[rows]
    size = unet.config.sample_size
    x = torch.randn(2, 3, size, size, generator=torch.Generator().manual_seed(200 + args.seed))
    timesteps = [500, 20]
    with torch.no_grad():
        out = unet(x, torch.tensor(timesteps), encoder_hidden_states=emb).sample
    save_file({"x": x.contiguous(), "encoder_hidden_states": emb.contiguous()},
              os.path.join(args.out, "inputs.safetensors"))
    cases = ["Red APPLE!", "keycap: #", "piñata", "flag: côte d’ivoire", "woman’s hat",
             "a zebra-like unicorn xyzzy 42", "", "   ", "😀", " ".join(["red"] * 80)]
    expected = {
        "prompts": [{"text": p, "words": [w for w in words_of(p) if w in index], "tokens": r}
                    for p, r in zip(prompts, rows.tolist())],
        "timesteps": timesteps,
        "sample_size": size,
        "encoder_hid_dim": unet.config.encoder_hid_dim,
        "vocabulary_size": len(words),
        "output_shape": list(out.shape),
        "output": f32(out.flatten().tolist()),
        "max_abs_output": float(out.abs().max()),
        "parameter_count": count(unet),
        "tokenization": [{"text": c, "words": [w for w in words_of(c) if w in index],
                          "tokens": token_rows(c, index)} for c in cases],
        "note": ("output = UNet(x, timesteps, encoder_hidden_states = embeddings[tokens]) with the fp16 "
                 "weights and embeddings widened to fp32; batch item 0 is prompts[0], item 1 the empty "
                 "prompt; inputs.safetensors holds x and those encoder_hidden_states"),
    }
    with open(os.path.join(args.out, "expected.json"), "w") as f:
        json.dump(expected, f)
    training["seconds"] = round(time.time() - START, 1)
    write_training(args.out, training)
    log(f"random model in {args.out}: {count(unet):,} parameters, vocabulary {len(words)}, "
        f"prompt {prompt!r} -> {rows[0, :4].tolist()}..., max |out| {expected['max_abs_output']:.4f}")


def load_emoji_meta():
    """Captions and the data digest without decoding the atlas."""
    with open(CAPTIONS, "rb") as f:
        captions_bytes = f.read()
    meta = json.loads(captions_bytes)
    with open(ATLAS, "rb") as f:
        atlas_sha = sha256_hex(f.read())
    digest = {"atlas": "Models/emoji/atlas.png", "captions": "Models/emoji/captions.json",
              "atlasSHA256": atlas_sha, "captionsSHA256": sha256_hex(captions_bytes),
              "tile": meta["tile"], "count": meta["count"]}
    return meta, [item["caption"] for item in meta["items"]], digest


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, help="the model folder to write")
    parser.add_argument("--preset", choices=["cpu", "full"], default="cpu",
                        help="cpu: the shipped model, 2 CPU cores (default); full: IF's layout, for a GPU")
    parser.add_argument("--tiny", action="store_true", help="the tiny preset (CPU, minutes)")
    parser.add_argument("--steps", type=int, default=None,
                        help="planned steps in all (the preset's phases scaled to it)")
    parser.add_argument("--phases", default=None,
                        help="the plan as SIZE:BATCH:STEPS,... (default: the preset's)")
    parser.add_argument("--replan", action="store_true",
                        help="resume under a new plan (--phases/--steps) that keeps the steps already taken")
    parser.add_argument("--init-from", default=None,
                        help="start a new run (no checkpoint yet) from an exported model folder's weights")
    parser.add_argument("--skip-evaluation", action="store_true",
                        help="export without sampling the evaluation grids (training.json's evaluation is null)")
    parser.add_argument("--export-only", action="store_true",
                        help="export and evaluate the newest checkpoint into --out, training nothing")
    parser.add_argument("--until-step", type=int, default=None,
                        help="stop this invocation at this step (checkpointed; a rerun resumes)")
    parser.add_argument("--clipart", default=os.path.join(REPO, ".train-data"),
                        help="folder of make_clipart_set.py's clipart-64.npz (default .train-data)")
    parser.add_argument("--export-random", action="store_true",
                        help="export the tiny preset with random weights and expected.json (no training)")
    parser.add_argument("--minutes", type=float, default=None,
                        help="wall-clock budget of this invocation (default 120 cpu, 60 full, 3 tiny); "
                             "a rerun resumes")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--lr", type=float, default=None, help="peak learning rate (default: the preset's)")
    parser.add_argument("--high-noise-share", type=float, default=0.0,
                        help="share of each batch with t drawn from 500..999 (default 0: all uniform)")
    parser.add_argument("--batch", type=int, default=None, help="batch size of every phase (default: the preset's)")
    parser.add_argument("--checkpoint-minutes", type=float, default=None,
                        help="minutes between checkpoints (default 5 full, 1 tiny)")
    parser.add_argument("--threads", type=int, default=1, help="CPU threads for torch (default 1)")
    parser.add_argument("--cpu", action="store_true", help="train on the CPU even when CUDA is available")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    tiny = args.tiny or args.export_random
    preset = PRESETS["tiny" if tiny else args.preset]
    if args.minutes is None:
        args.minutes = preset["minutes"]
    os.makedirs(args.out, exist_ok=True)
    if args.export_random:
        export_random(args, preset)
    else:
        train(args, preset, "tiny" if tiny else args.preset)


if __name__ == "__main__":
    main()
