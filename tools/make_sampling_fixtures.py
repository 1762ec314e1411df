#!/usr/bin/env python3
"""Parity fixtures for a full strided sampling loop of the DeepFloyd IF stage I port.

Run with the system Python that has torch and diffusers 0.30.3, after make_if_fixtures.py
(it loads the tiny-a model that script wrote):

    /usr/bin/python3 tools/make_sampling_fixtures.py

Runs the reverse-diffusion loop over the custom timesteps [990, 660, 330, 0] (stride 330)
with the tiny-a UNet (fp32, 16x16, batch 2, one text embedding per batch item) and
diffusers' DDPMScheduler, twice: with IF's scheduler config (dynamic thresholding) and with
thresholding and clipping off (the course's loop). Each step t -> next goes through
unet(x, [t, t], encoder_hidden_states=emb) and DDPMScheduler.step; the three steps are
990 -> 660, 660 -> 330, 330 -> 0, and all three add variance noise (t > 0). The variance
noise is pre-drawn and saved, and fed to diffusers by replacing the randn_tensor that
scheduling_ddpm imports, so that a port can reproduce the loop exactly.

Writes, under Tests/DeepFloydTests/Fixtures/loop:
  scheduler_config.json          IF's DDPMScheduler config (thresholding true)
  scheduler_config_course.json   the same with thresholding false, clip_sample false
  inputs.safetensors             x [2,3,16,16] (x_T), encoder_hidden_states [2,77,D],
                                 noise [S,2,3,16,16] (z for step i), float32, S = 3
  expected.json                  {"model", "timesteps", "shape",
                                  "thresholded": {"samples": [x after step i, flattened],
                                                  "final", "max_abs"},
                                  "course": {...the same}}

Floats in expected.json are written with the shortest decimal that reads back as the same
float32, which keeps the file small without losing anything.
"""

import json
import os
import sys

TOOLS = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, TOOLS)
import debian_numpy  # noqa: E402

debian_numpy.prefer()

import numpy as np  # noqa: E402
import torch  # noqa: E402
import diffusers.schedulers.scheduling_ddpm as scheduling_ddpm  # noqa: E402
from diffusers import DDPMScheduler, UNet2DConditionModel  # noqa: E402
from safetensors.torch import save_file  # noqa: E402

from make_if_fixtures import IF_SCHEDULER  # noqa: E402

FIXTURES = os.path.join(TOOLS, "..", "Tests", "DeepFloydTests", "Fixtures")
MODEL = "tiny-a"
OUT = os.path.join(FIXTURES, "loop")
TIMESTEPS = list(range(990, -1, -330))  # [990, 660, 330, 0]
BATCH = 2
TOKENS = 77
SEED = 330

COURSE_SCHEDULER = {**IF_SCHEDULER, "thresholding": False, "clip_sample": False}


def f32(values):
    """float32 values as the Python floats with the shortest decimals that round-trip."""
    return [float(repr(np.float32(v))) for v in values]


class PredrawnNoise:
    """Stands in for scheduling_ddpm.randn_tensor: returns the noise set for the current step."""

    def __init__(self):
        self.noise = None
        self.calls = 0

    def __call__(self, shape, generator=None, device=None, dtype=None, layout=None):
        assert self.noise is not None, "randn_tensor called with no noise set"
        assert tuple(shape) == tuple(self.noise.shape), (shape, self.noise.shape)
        assert dtype in (None, self.noise.dtype), dtype
        self.calls += 1
        return self.noise.clone()


def scheduler(config):
    return DDPMScheduler(**{k: v for k, v in config.items() if not k.startswith("_")})


def run_loop(unet, config, x, emb, noise):
    """The loop over TIMESTEPS with the given variance noise; the sample after every step."""
    s = scheduler(config)
    s.set_timesteps(timesteps=TIMESTEPS)
    assert [int(t) for t in s.timesteps] == TIMESTEPS, s.timesteps
    patch = PredrawnNoise()
    original = scheduling_ddpm.randn_tensor
    scheduling_ddpm.randn_tensor = patch
    samples = []
    try:
        for i, t in enumerate(TIMESTEPS[:-1]):
            with torch.no_grad():
                out = unet(x, torch.tensor([t] * BATCH), encoder_hidden_states=emb).sample
            assert out.shape == (BATCH, 6) + tuple(x.shape[2:]), out.shape
            patch.noise = noise[i]
            before = patch.calls
            x = s.step(out, t, x, generator=torch.Generator().manual_seed(0)).prev_sample
            assert patch.calls == before + 1, f"step {t}: randn_tensor called {patch.calls - before} times"
            assert int(s.previous_timestep(t)) == TIMESTEPS[i + 1]
            samples.append(x.clone())
    finally:
        scheduling_ddpm.randn_tensor = original
    assert patch.calls == len(TIMESTEPS) - 1
    return samples


def course_step_by_hand(s, out, t, prev, x, z):
    """The DDPM step without thresholding or clipping, written out (learned_range variance)."""
    eps, v = out[:, :3], out[:, 3:]
    abar_t = s.alphas_cumprod[t]
    abar_prev = s.alphas_cumprod[prev] if prev >= 0 else torch.tensor(1.0)
    alpha_t = abar_t / abar_prev
    beta_t = 1 - alpha_t
    x0 = (x - (1 - abar_t).sqrt() * eps) / abar_t.sqrt()
    mean = (abar_prev.sqrt() * beta_t / (1 - abar_t)) * x0 + (alpha_t.sqrt() * (1 - abar_prev) / (1 - abar_t)) * x
    posterior = torch.clamp((1 - abar_prev) / (1 - abar_t) * beta_t, min=1e-20)
    frac = (v + 1) / 2
    log_var = frac * torch.log(beta_t) + (1 - frac) * torch.log(posterior)
    return mean + torch.exp(0.5 * log_var) * z


def check_patch_matches_generator(unet, x, emb):
    """With noise drawn from the generator diffusers would have used, the patch changes nothing."""
    s = scheduler(IF_SCHEDULER)
    s.set_timesteps(timesteps=TIMESTEPS)
    t = TIMESTEPS[0]
    with torch.no_grad():
        out = unet(x, torch.tensor([t] * BATCH), encoder_hidden_states=emb).sample
    reference = s.step(out, t, x, generator=torch.Generator().manual_seed(5)).prev_sample
    z = torch.randn(x.shape, generator=torch.Generator().manual_seed(5))
    patched = run_step_with(s, out, t, x, z)
    assert torch.equal(reference, patched), float((reference - patched).abs().max())


def run_step_with(s, out, t, x, z):
    patch = PredrawnNoise()
    patch.noise = z
    original = scheduling_ddpm.randn_tensor
    scheduling_ddpm.randn_tensor = patch
    try:
        result = s.step(out, t, x).prev_sample
    finally:
        scheduling_ddpm.randn_tensor = original
    assert patch.calls == 1
    return result


def main():
    torch.set_num_threads(1)
    unet = UNet2DConditionModel.from_pretrained(os.path.join(FIXTURES, MODEL)).eval()
    assert unet.dtype == torch.float32
    size = unet.config.sample_size
    dim = unet.config.encoder_hid_dim
    shape = (BATCH, 3, size, size)

    gen = torch.Generator().manual_seed(SEED)
    x_T = torch.randn(shape, generator=gen)
    emb = torch.randn(BATCH, TOKENS, dim, generator=gen)
    steps = len(TIMESTEPS) - 1
    noise = torch.stack([torch.randn(shape, generator=gen) for _ in range(steps)])

    check_patch_matches_generator(unet, x_T, emb)

    results = {}
    for key, config in [("thresholded", IF_SCHEDULER), ("course", COURSE_SCHEDULER)]:
        samples = run_loop(unet, config, x_T, emb, noise)
        for x in samples:
            assert torch.isfinite(x).all(), key
        results[key] = samples

    # The course's loop, written out by hand, matches diffusers' step.
    s = scheduler(COURSE_SCHEDULER)
    s.set_timesteps(timesteps=TIMESTEPS)
    x = x_T
    for i, t in enumerate(TIMESTEPS[:-1]):
        with torch.no_grad():
            out = unet(x, torch.tensor([t] * BATCH), encoder_hidden_states=emb).sample
        x = course_step_by_hand(s, out, t, TIMESTEPS[i + 1], x, noise[i])
        gap = float((x - results["course"][i]).abs().max())
        assert gap < 1e-4, (t, gap)
        x = results["course"][i]  # go on from diffusers' sample, so errors do not compound

    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "scheduler_config.json"), "w") as f:
        json.dump(IF_SCHEDULER, f, indent=2)
    with open(os.path.join(OUT, "scheduler_config_course.json"), "w") as f:
        json.dump(COURSE_SCHEDULER, f, indent=2)
    save_file({"x": x_T.contiguous(), "encoder_hidden_states": emb.contiguous(),
               "noise": noise.contiguous()},
              os.path.join(OUT, "inputs.safetensors"))

    expected = {"model": MODEL, "timesteps": TIMESTEPS, "shape": list(shape)}
    for key, samples in results.items():
        final = samples[-1]
        expected[key] = {
            "samples": [f32(x.flatten().tolist()) for x in samples],
            "final": f32(final.flatten().tolist()),
            "max_abs": float(final.abs().max()),
        }
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f)

    per_step = [float((a - b).abs().max()) for a, b in zip(results["thresholded"], results["course"])]
    assert per_step[-1] > 1e-3, "thresholding made no difference"
    print(f"loop: {MODEL}, timesteps {TIMESTEPS}, shape {list(shape)}, D {dim}; "
          f"max |final| thresholded {expected['thresholded']['max_abs']:.4f}, "
          f"course {expected['course']['max_abs']:.4f}; "
          f"max |thresholded - course| per step {', '.join(f'{d:.4f}' for d in per_step)}")


if __name__ == "__main__":
    main()
