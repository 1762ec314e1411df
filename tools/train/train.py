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
    # ~27M parameters at 64x64: for a GPU.
    "full": dict(block_out=[64, 128, 192, 256], layers=2, head_dim=64, cross_dim=256,
                 text_dim=256, text_heads=4, groups=32, size=64, batch=128, lr=2e-4,
                 warmup=200, weight_decay=0.01, ema=0.999, minutes=10.0, checkpoint_minutes=5.0),
    # ~0.14M parameters at 32x32 (tiles downscaled): every line of the script, on a CPU, in
    # minutes, and small enough (fp16 ~0.3 MB) to be a test fixture. cross_attention_dim must be
    # a multiple of 32 (diffusers' norm_cross GroupNorm has 32 groups in the SimpleCrossAttn blocks).
    "tiny": dict(block_out=[8, 16, 16, 16], layers=1, head_dim=8, cross_dim=32,
                 text_dim=16, text_heads=2, groups=4, size=32, batch=16, lr=1e-3,
                 warmup=10, weight_decay=0.01, ema=0.9, minutes=3.0, checkpoint_minutes=1.0),
}


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


def augment(x, size):
    """Random small shifts (up to 4 px of 64) and zooms (0.9-1.1), white fill, no flips."""
    b = x.shape[0]
    scale = torch.empty(b, device=x.device).uniform_(*SCALE_RANGE)
    shift = (torch.rand(b, 2, device=x.device) * 2 - 1) * (MAX_SHIFT_PX * size / 64.0) * (2.0 / size)
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


def make_config(preset):
    return if_config(preset["block_out"], preset["layers"], preset["head_dim"], preset["cross_dim"],
                     preset["text_dim"], preset["text_heads"], preset["groups"], preset["size"])


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


def export(folder, unet, table, words, training=None):
    """Writes the model folder (fp16 UNet, scheduler config, vocabulary and fp16 embeddings)."""
    os.makedirs(os.path.join(folder, "unet"), exist_ok=True)
    os.makedirs(os.path.join(folder, "scheduler"), exist_ok=True)
    os.makedirs(os.path.join(folder, "text"), exist_ok=True)
    half = copy.deepcopy(unet).to("cpu").float().half()
    half.save_pretrained(os.path.join(folder, "unet"), variant="fp16", safe_serialization=True)
    with open(os.path.join(folder, "scheduler", "scheduler_config.json"), "w") as f:
        json.dump(IF_SCHEDULER, f, indent=2)
    with open(os.path.join(folder, "text", "vocabulary.json"), "w") as f:
        json.dump({"words": words, "tokens": TOKENS, "lowercase": True}, f, indent=1)
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
    device = torch.device("cuda" if torch.cuda.is_available() and not args.cpu else "cpu")
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    torch.manual_seed(args.seed)
    budget = args.minutes * 60.0
    size = preset["size"]

    images, captions, digest = load_emoji(size)
    words = build_vocabulary(captions)
    index = {w: i for i, w in enumerate(words)}
    all_tokens = torch.tensor([token_rows(c, index) for c in captions])
    val_ids = [i for i in range(len(captions)) if i % VALIDATION_EVERY == 0]
    train_ids = [i for i in range(len(captions)) if i % VALIDATION_EVERY != 0]
    train_images = images[train_ids].to(device)
    train_tokens = all_tokens[train_ids].to(device)
    log(f"{len(captions)} emoji at {size}x{size}: {len(train_ids)} train, {len(val_ids)} validation; "
        f"vocabulary {len(words)} words")

    config = make_config(preset)
    unet = UNet2DConditionModel(**config).to(device).train()
    table = nn.Embedding(len(words), preset["text_dim"]).to(device)
    n_unet, n_table = count(unet), count(table)
    log(f"UNet {n_unet:,} parameters ({n_unet / 1e6:.2f}M), embeddings {n_table:,}; device {describe_device(device)}")

    diffusion = Diffusion(device)
    params = list(unet.parameters()) + list(table.parameters())
    optimizer = torch.optim.AdamW(params, lr=preset["lr"], weight_decay=preset["weight_decay"])
    ema = EMA([unet, table], preset["ema"])
    autocast = device.type == "cuda"
    batch = args.batch or preset["batch"]
    warmup = preset["warmup"]

    # Fixed validation items: held-out images with their captions, fixed t and noise.
    vgen = torch.Generator().manual_seed(args.seed + 1)
    val_x0 = images[val_ids].to(device)
    val_tokens = all_tokens[val_ids].to(device)
    val_t = torch.randint(0, diffusion.T, (len(val_ids),), generator=vgen).to(device)
    val_eps = torch.randn(val_x0.shape, generator=vgen).to(device)

    @torch.no_grad()
    def validation_loss():
        shadow_unet, shadow_table = ema.shadow
        total = 0.0
        for s in range(0, len(val_ids), 64):
            sl = slice(s, s + 64)
            xt = diffusion.q_sample(val_x0[sl], val_t[sl], val_eps[sl])
            with mixed_precision(autocast):
                out = shadow_unet(xt, val_t[sl], encoder_hidden_states=shadow_table(val_tokens[sl])).sample
            loss, _, _ = diffusion.losses(out.float(), val_x0[sl], xt, val_eps[sl], val_t[sl])
            total += float(loss.sum())
        return total / len(val_ids)

    def lr_at(step, total):
        if step < warmup:
            return preset["lr"] * (step + 1) / warmup
        if total is None:
            return preset["lr"]
        progress = min(1.0, (step - warmup) / max(1, total - warmup))
        return preset["lr"] * 0.5 * (1 + math.cos(math.pi * progress))

    def train_step(step, total):
        for group in optimizer.param_groups:
            group["lr"] = lr_at(step, total)
        idx = torch.randint(0, len(train_ids), (batch,), device=device)
        x0 = augment(train_images[idx], size)
        tokens = train_tokens[idx].clone()
        drop = torch.rand(batch, device=device) < CAPTION_DROPOUT
        tokens[drop] = 0
        t = torch.randint(0, diffusion.T, (batch,), device=device)
        eps = torch.randn_like(x0)
        xt = diffusion.q_sample(x0, t, eps)
        with mixed_precision(autocast):
            out = unet(xt, t, encoder_hidden_states=table(tokens)).sample
        loss, mse, vb = diffusion.losses(out.float(), x0, xt, eps, t)
        loss = loss.mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        ema.update()
        return loss.detach()

    checkpoints = os.path.join(args.out, "checkpoints")
    os.makedirs(checkpoints, exist_ok=True)

    def checkpoint(step):
        path = os.path.join(checkpoints, f"step-{step:07d}.pt")
        state = {"step": step, "unet": unet.state_dict(), "embeddings": table.state_dict(),
                 "ema_unet": ema.shadow[0].state_dict(), "ema_embeddings": ema.shadow[1].state_dict(),
                 "ema_updates": ema.updates, "optimizer": optimizer.state_dict(),
                 "config": dict(unet.config), "words": words, "preset": preset, "seed": args.seed}
        torch.save(state, path + ".tmp")
        os.replace(path + ".tmp", path)
        for old in sorted(glob.glob(os.path.join(checkpoints, "step-*.pt")))[:-2]:
            os.remove(old)   # keep the newest two
        return path

    # Step 0 validation (also times a validation pass) and an eval-sized forward pass.
    sync(device)
    started = time.time()
    history = [{"step": 0, "train": None, "validation": round(validation_loss(), 5)}]
    sync(device)
    validation_seconds = time.time() - started
    with torch.no_grad():
        x = torch.randn(2 * EVAL_COUNT, 3, size, size, device=device)
        e = torch.zeros(2 * EVAL_COUNT, TOKENS, preset["text_dim"], device=device)
        ts = torch.full((2 * EVAL_COUNT,), 500, device=device, dtype=torch.long)
        unet.eval()
        unet(x, ts, encoder_hidden_states=e)
        sync(device)
        started = time.time()
        unet(x, ts, encoder_hidden_states=e)
        sync(device)
        eval_forward = time.time() - started
        unet.train()
    eval_estimate = (len(EVAL_TIMESTEPS) - 1) * 1.5 * eval_forward + 2.0
    log(f"step 0 validation loss {history[0]['validation']:.4f} ({validation_seconds:.2f}s)")

    # Throughput probe: the first steps are real training steps (in the warm-up); the timed ones
    # size the run to the budget.
    step = 0
    window = []
    for _ in range(PROBE_WARM):
        window.append(train_step(step, None))
        step += 1
    sync(device)
    started = time.time()
    for _ in range(PROBE_TIMED):
        window.append(train_step(step, None))
        step += 1
    sync(device)
    per_step = (time.time() - started) / PROBE_TIMED
    checkpoint_every = args.checkpoint_minutes if args.checkpoint_minutes is not None else preset["checkpoint_minutes"]
    elapsed = time.time() - START
    n_checkpoints = int(budget / 60.0 / checkpoint_every) + 1
    # Time left after the evaluation, the validation passes, checkpoints and the export.
    reserve = 1.1 * (eval_estimate + (HISTORY_POINTS + 1) * validation_seconds) + 0.5 * n_checkpoints + 3.0
    available = budget - elapsed - reserve
    total = max(step + 1, step + int(0.97 * available / per_step))
    val_every = max(1, total // HISTORY_POINTS)
    log(f"probe: {per_step * 1000:.1f} ms/step (batch {batch}); eval estimate {eval_estimate:.1f}s; "
        f"{total} steps in the {args.minutes:g} minute budget; validation every {val_every} steps")
    deadline = START + budget - reserve + 0.1 * max(0.0, available)

    last_checkpoint = time.time()
    stopped_early = False
    train_started = time.time() - PROBE_TIMED * per_step
    while step < total:
        window.append(train_step(step, total))
        step += 1
        if step % val_every == 0 or step == total:
            train_loss = float(torch.stack(window).mean())
            window = []
            entry = {"step": step, "train": round(train_loss, 5), "validation": round(validation_loss(), 5)}
            history.append(entry)
            log(f"step {step}/{total} lr {lr_at(step - 1, total):.2e} train {entry['train']:.4f} "
                f"validation {entry['validation']:.4f}")
        if time.time() - last_checkpoint > checkpoint_every * 60.0:
            log(f"checkpoint {checkpoint(step)}")
            last_checkpoint = time.time()
        if time.time() > deadline and step < total:
            stopped_early = True
            log(f"time budget reached at step {step} of {total}: stopping")
            break
    if history[-1]["step"] != step:
        train_loss = float(torch.stack(window).mean()) if window else None
        history.append({"step": step, "train": None if train_loss is None else round(train_loss, 5),
                        "validation": round(validation_loss(), 5)})
    sync(device)
    train_seconds = time.time() - train_started
    log(f"checkpoint {checkpoint(step)}")

    export(args.out, ema.shadow[0], ema.shadow[1].weight, words)
    log(f"exported {args.out}")
    evaluation = evaluate(args.out, diffusion, images, captions, train_ids, val_ids, args.seed, device)

    training = {
        "mode": mode,
        "command": shlex.join(["python3"] + sys.argv),
        "python": sys.executable,
        "argv": sys.argv,
        "seed": args.seed,
        "data": {**digest, "train": len(train_ids), "validation": len(val_ids),
                 "validation_rule": f"index % {VALIDATION_EVERY} == 0",
                 "sample_size": size,
                 "preprocessing": ("atlas composited over white, tiles scaled to [-1, 1]"
                                   + ("" if size == digest["tile"] else f", area-downscaled to {size}x{size}"))},
        "sample_size": size,
        "model": {"block_out_channels": preset["block_out"], "layers_per_block": preset["layers"],
                  "attention_head_dim": preset["head_dim"], "cross_attention_dim": preset["cross_dim"],
                  "encoder_hid_dim": preset["text_dim"], "addition_embed_type_num_heads": preset["text_heads"],
                  "norm_num_groups": preset["groups"], "vocabulary": len(words)},
        "parameters": {"unet": n_unet, "embeddings": n_table, "total": n_unet + n_table},
        "hyperparameters": {
            "batch": batch, "optimizer": "AdamW", "lr": preset["lr"], "weight_decay": preset["weight_decay"],
            "schedule": f"linear warm-up {warmup} steps, then cosine to 0", "grad_clip": 1.0,
            "ema_decay": preset["ema"], "ema_warmup": "min(decay, (1 + n) / (10 + n))",
            "caption_dropout": CAPTION_DROPOUT,
            "augmentation": f"shift up to {MAX_SHIFT_PX:g} px of 64, scale {SCALE_RANGE[0]}-{SCALE_RANGE[1]}, "
                            "white fill, no flips",
            "loss": f"hybrid (improved DDPM): mse(eps) + {VB_LAMBDA} * {diffusion.T} * L_t "
                    "(L_t in bits/dim, eps detached; t = 0: Gaussian NLL approximation)",
            "timesteps": "uniform over 0..999",
            "precision": "bf16 autocast" if autocast else "fp32"},
        "steps": step,
        "planned_steps": total,
        "stopped_early": stopped_early,
        "seconds": round(time.time() - START, 1),
        "training_seconds": round(train_seconds, 1),
        "probe_seconds_per_step": round(per_step, 5),
        "device": describe_device(device),
        "torch": torch.__version__,
        "final_train_loss": history[-1]["train"],
        "final_validation_loss": history[-1]["validation"],
        "loss_definition": ("train: mean hybrid loss of the training batches since the previous point "
                            "(live weights, augmented, caption dropout); validation: hybrid loss of the "
                            "EMA weights on the held-out emoji with fixed t and noise"),
        "history": history,
        "evaluation": {"folder": "evaluation", "summary": evaluation["summary"]},
        "licence": LICENCE,
    }
    write_training(args.out, training)
    log(f"done: {step} steps, final train {training['final_train_loss']}, validation "
        f"{training['final_validation_loss']}, {training['seconds']}s")


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
    parser.add_argument("--tiny", action="store_true", help="the tiny preset (CPU, minutes)")
    parser.add_argument("--export-random", action="store_true",
                        help="export the tiny preset with random weights and expected.json (no training)")
    parser.add_argument("--minutes", type=float, default=None,
                        help="wall-clock budget for the whole run (default 10 full, 3 tiny)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch", type=int, default=None, help="batch size (default 128 full, 16 tiny)")
    parser.add_argument("--checkpoint-minutes", type=float, default=None,
                        help="minutes between checkpoints (default 5 full, 1 tiny)")
    parser.add_argument("--threads", type=int, default=1, help="CPU threads for torch (default 1)")
    parser.add_argument("--cpu", action="store_true", help="train on the CPU even when CUDA is available")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    tiny = args.tiny or args.export_random
    preset = PRESETS["tiny" if tiny else "full"]
    if args.minutes is None:
        args.minutes = preset["minutes"]
    os.makedirs(args.out, exist_ok=True)
    if args.export_random:
        export_random(args, preset)
    else:
        train(args, preset, "tiny" if tiny else "full")


if __name__ == "__main__":
    main()
