#!/usr/bin/env python3
"""Parity fixtures for the DeepFloyd IF stage I port.

Run with the system Python that has torch and diffusers 0.30.3:

    /usr/bin/python3 tools/make_if_fixtures.py [tiny-a] [tiny-b] [scheduler]

(no arguments: all three). Writes, under Tests/DeepFloydTests/Fixtures, for two small
IF-shaped UNet2DConditionModels with random weights:
  <model>/config.json                      the diffusers config
  <model>/diffusion_pytorch_model[.fp16].safetensors   the weights (diffusers layout)
  <model>/inputs.safetensors               x [2,3,H,W], encoder_hidden_states [2,77,D_text]
  <model>/expected.json                    timesteps, and diffusers' output [2,6,H,W]
and, under Tests/DiffusionTests/Fixtures, for the noise schedule (DDPMScheduler as IF
configures it):
  scheduler/scheduler_config.json, scheduler/expected.json.

Every norm weight/bias and every bias is moved away from its initial value, so that a
mix-up between, e.g., weight and bias, or a missing bias, shows in the output.
"""

import json
import os
import sys

import numpy as np
import torch
from diffusers import DDPMScheduler, UNet2DConditionModel
from safetensors.torch import save_file

TESTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests")
MODEL_ROOT = os.path.join(TESTS, "DeepFloydTests", "Fixtures")      # tiny-a, tiny-b
SCHEDULER_ROOT = os.path.join(TESTS, "DiffusionTests", "Fixtures")  # scheduler

IF_DOWN = ["ResnetDownsampleBlock2D", "SimpleCrossAttnDownBlock2D", "SimpleCrossAttnDownBlock2D",
           "SimpleCrossAttnDownBlock2D"]
IF_UP = ["SimpleCrossAttnUpBlock2D", "SimpleCrossAttnUpBlock2D", "SimpleCrossAttnUpBlock2D",
         "ResnetUpsampleBlock2D"]


def if_config(block_out, layers, head_dim, cross_dim, text_dim, text_heads, groups, sample_size):
    """An IF stage I config (same keys and block types as IF-I-*), scaled down."""
    return dict(
        sample_size=sample_size, in_channels=3, out_channels=6,
        down_block_types=IF_DOWN, up_block_types=IF_UP,
        mid_block_type="UNetMidBlock2DSimpleCrossAttn",
        block_out_channels=block_out, layers_per_block=layers,
        attention_head_dim=head_dim, cross_attention_dim=cross_dim,
        encoder_hid_dim=text_dim, encoder_hid_dim_type="text_proj",
        addition_embed_type="text", addition_embed_type_num_heads=text_heads,
        act_fn="gelu", norm_num_groups=groups, norm_eps=1e-5,
        resnet_time_scale_shift="scale_shift", cross_attention_norm="group_norm",
        flip_sin_to_cos=True, freq_shift=0, class_embed_type=None,
        only_cross_attention=False, upcast_attention=False, use_linear_projection=False,
    )


MODELS = {
    # fp32 weights file; one layer per block; 16x16 images.
    "tiny-a": dict(
        config=if_config([8, 16, 24, 32], 1, 4, 32, 64, 4, 4, 16),
        variant=None, size=16, timesteps=[990, 37], seed=1),
    # fp16 weights file (the variant the course loads); two layers per block; 32x32 images.
    "tiny-b": dict(
        config=if_config([16, 24, 32, 48], 2, 8, 64, 48, 3, 8, 32),
        variant="fp16", size=32, timesteps=[500, 0], seed=2),
}
TOKENS = 77

IF_SCHEDULER = {
    "_class_name": "DDPMScheduler",
    "beta_end": 0.02,
    "beta_schedule": "squaredcos_cap_v2",
    "beta_start": 0.0001,
    "clip_sample": True,
    "clip_sample_range": 1.0,
    "dynamic_thresholding_ratio": 0.95,
    "num_train_timesteps": 1000,
    "prediction_type": "epsilon",
    "sample_max_value": 1.5,
    "thresholding": True,
    "trained_betas": None,
    "variance_type": "learned_range",
}


def perturb(model, gen):
    """Moves every bias and every norm parameter off its initial value (0 or 1)."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            leaf = name.rsplit(".", 1)[-1]
            is_norm = "norm" in name  # group_norm, norm_cross, norm1/2, conv_norm_out, add_embedding.norm*
            if leaf == "bias" or is_norm:
                p.add_(0.1 * torch.randn(p.shape, generator=gen))


def save_random_model(spec, folder):
    """A seeded random UNet2DConditionModel of spec["config"], perturbed, saved to `folder`
    as spec["variant"] says; returns it in fp32 and the generator, for drawing inputs next.

    With variant "fp16" the file is what a user downloads, and the model returned holds the
    fp16-rounded weights widened back to fp32, as the Swift port runs them."""
    torch.manual_seed(spec["seed"])
    gen = torch.Generator().manual_seed(100 + spec["seed"])
    model = UNet2DConditionModel(**spec["config"]).eval()
    perturb(model, gen)
    os.makedirs(folder, exist_ok=True)
    if spec["variant"] == "fp16":
        model = model.half().float()
        model.half().save_pretrained(folder, variant="fp16", safe_serialization=True)
        model = model.float()
    else:
        model.save_pretrained(folder, safe_serialization=True)
    return model, gen


def make_model(name, spec):
    folder = os.path.join(MODEL_ROOT, name)
    model, gen = save_random_model(spec, folder)

    cfg = model.config
    b, size = 2, spec["size"]
    x = torch.randn(b, 3, size, size, generator=gen)
    text = torch.randn(b, TOKENS, cfg.encoder_hid_dim, generator=gen)
    t = torch.tensor(spec["timesteps"], dtype=torch.long)
    with torch.no_grad():
        out = model(x, t, encoder_hidden_states=text).sample
    save_file({"x": x.contiguous(), "encoder_hidden_states": text.contiguous()},
              os.path.join(folder, "inputs.safetensors"))
    expected = {
        "timesteps": spec["timesteps"],
        "output_shape": list(out.shape),
        "output": out.flatten().tolist(),
        "max_abs_output": float(out.abs().max()),
        "parameter_count": sum(p.numel() for p in model.parameters()),
        "tensor_count": len(model.state_dict()),
    }
    with open(os.path.join(folder, "expected.json"), "w") as f:
        json.dump(expected, f)
    print(f"{name}: {expected['parameter_count']} parameters, {expected['tensor_count']} tensors, "
          f"max |out| {expected['max_abs_output']:.4f}")


def make_scheduler():
    folder = os.path.join(SCHEDULER_ROOT, "scheduler")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "scheduler_config.json"), "w") as f:
        json.dump(IF_SCHEDULER, f, indent=2)
    config = {k: v for k, v in IF_SCHEDULER.items() if not k.startswith("_")}
    sched = DDPMScheduler(**config)

    strided = list(range(990, -1, -30))
    sched.set_timesteps(timesteps=strided)

    gen = torch.Generator().manual_seed(7)
    # learned_range log variances for several (t, v), previous step from the custom list.
    log_variances = []
    for t in [990, 690, 300, 30, 0]:
        v = torch.tensor([-1.0, -0.5, 0.0, 0.25, 1.0])
        logvar = sched._get_variance(t, predicted_variance=v)
        prev = int(sched.previous_timestep(t))
        log_variances.append({"t": t, "previous": prev, "v": v.tolist(), "log_variance": logvar.tolist()})

    # One full step of diffusers' DDPMScheduler (thresholding as configured), with the noise
    # it drew, and the same step without thresholding or clipping (the course's loop).
    steps = []
    for t, thresholding in [(690, True), (690, False), (30, True), (0, True)]:
        x = torch.randn(2, 3, 8, 8, generator=gen)
        model_output = torch.cat([2.0 * torch.randn(2, 3, 8, 8, generator=gen),
                                  torch.rand(2, 3, 8, 8, generator=gen) * 2 - 1], dim=1)
        s = DDPMScheduler(**{**config, "thresholding": thresholding, "clip_sample": thresholding})
        s.set_timesteps(timesteps=strided)
        seed = 1000 + t
        out = s.step(model_output, t, x, generator=torch.Generator().manual_seed(seed))
        noise = torch.randn(2, 3, 8, 8, generator=torch.Generator().manual_seed(seed))
        steps.append({
            "t": t, "previous": int(s.previous_timestep(t)), "thresholding": thresholding,
            "x": x.flatten().tolist(), "model_output": model_output.flatten().tolist(),
            "noise": noise.flatten().tolist(),
            "prev_sample": out.prev_sample.flatten().tolist(),
            "pred_original_sample": out.pred_original_sample.flatten().tolist(),
        })

    linear = DDPMScheduler(num_train_timesteps=1000, beta_schedule="linear")
    scaled = DDPMScheduler(num_train_timesteps=1000, beta_schedule="scaled_linear",
                           beta_start=0.00085, beta_end=0.012)
    expected = {
        "alphas_cumprod": sched.alphas_cumprod.tolist(),
        "betas": sched.betas.tolist(),
        "timesteps": [int(t) for t in sched.timesteps],
        "log_variances": log_variances,
        "steps": steps,
        "linear_alphas_cumprod": linear.alphas_cumprod.tolist(),
        "scaled_linear_alphas_cumprod": scaled.alphas_cumprod.tolist(),
    }
    with open(os.path.join(folder, "expected.json"), "w") as f:
        json.dump(expected, f)
    print("scheduler: abar[250] =", float(sched.alphas_cumprod[250]))


def main():
    torch.set_num_threads(1)
    only = sys.argv[1:]
    for name, spec in MODELS.items():
        if not only or name in only:
            make_model(name, spec)
    if not only or "scheduler" in only:
        make_scheduler()


if __name__ == "__main__":
    main()
