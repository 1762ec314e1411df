#!/usr/bin/env python3
"""Parity fixtures for the DeepFloyd IF stage II (super-resolution UNet) port.

Run with the system Python that has torch and diffusers 0.30.3:

    /usr/bin/python3 tools/make_stage2_fixtures.py [sr-a] [sr-b] [upscale] [loop]

(no arguments: all four; "loop" needs sr-a, and writes it first when it is missing). Every
random draw comes from fixed seeds, so two runs write byte-identical files. Writes, under
Tests/DeepFloydTests/Fixtures/stage2:

  sr-a/, sr-b/   two small random UNet2DConditionModels shaped like IF-II-L (6 input channels:
                 x_t then the noised upscaled image; class_embed_type "timestep" for the noise
                 level; resnet_skip_time_act; time_embedding_act_fn gelu; time_embedding_dim
                 the last block width; output scale 1/0.7071; ResnetDownsample/Upsample levels
                 on top, SimpleCrossAttn levels below), every bias and norm parameter perturbed:
      config.json                              the diffusers config (save_pretrained)
      diffusion_pytorch_model.safetensors      sr-a: fp32 weights
      diffusion_pytorch_model.fp16.safetensors sr-b: fp16 weights; its reference output is
                                               computed from those weights widened to fp32
      inputs.safetensors   x [2,6,S,S], encoder_hidden_states [2,77,encoder_hid_dim]
      expected.json        timesteps [900,100], class_labels [250,250], output_shape,
                           output (flattened [2,6,S,S]), max_abs_output, embedding_shape [2,T],
                           time_embedding (time_embedding(time_proj(t))), class_embedding
                           (class_embedding(time_proj(class_labels))), text_embedding
                           (add_embedding(encoder_hidden_states)), embedding (what the resnets
                           get: gelu(time + class + text)), parameter_count, tensor_count

  upscale/       F.interpolate(mode="bilinear", align_corners=True, no antialias), as
                 IFSuperResolutionPipeline upscales stage I's image:
      inputs.safetensors   square [1,3,8,8], odd [2,3,5,7]
      expected.json        {square: {input_shape, size [32,32], output_shape, output},
                            odd: {... size [11,13] ...}}

  loop/          IFSuperResolutionPipeline.__call__ re-stated on sr-a (32x32), with every random
                 draw supplied: the 16x16 "stage I image" in [-1,1] is upscaled to 32x32, noised
                 to noise_level 250 by the image-noising DDPMScheduler with supplied noise; the
                 start x_T is supplied; 5 steps of the stage II DDPMScheduler (set_timesteps(5));
                 CFG 4.0 on a batch of two in the pipeline's order (unconditional first, then
                 conditional), eps = eps_u + 4 (eps_c - eps_u), variance from the conditional
                 half; the step's variance noise is supplied (none is drawn at t = 0).
      scheduler_config.json                  the stage II scheduler (IF-II's)
      image_noising_scheduler_config.json    the image-noising scheduler (IF-II's)
      inputs.safetensors   low_res [1,3,16,16], noise_level_noise [1,3,32,32], x [1,3,32,32]
                           (x_T), noise [S,1,3,32,32] (the variance noise of the S steps with
                           t > 0, in step order), prompt_embeds [1,77,D] (conditional),
                           negative_prompt_embeds [1,77,D] (unconditional)
      expected.json        model, timesteps (from set_timesteps(5)), noise_drawn_at (the
                           timesteps whose step draws variance noise), guidance_scale,
                           noise_level, class_labels, shape, low_res_shape, cfg_order (the
                           batch order of the UNet call), noise_level_sqrt_alpha_cumprod,
                           noise_level_sqrt_one_minus_alpha_cumprod,
                           upscaled, noised_upscaled, samples (after every step), final (what
                           the pipeline returns with output_type="pt": the last sample, in
                           [-1,1], before any (x/2+0.5).clamp(0,1) conversion), max_abs,
                           max_abs_per_step, pipeline_check

The loop is also run through diffusers' own IFSuperResolutionPipeline.__call__ (random draws
replaced by the same tensors) and must agree exactly. transformers is not needed for that: when
it is absent, the pipeline module is imported against a stand-in that only provides the names it
imports (no text encoder or safety checker is ever built).

Floats in expected.json are written with the shortest decimal that reads back as the same
float32. Helpers come from make_if_fixtures.py (if_config, save_random_model, IF_SCHEDULER) and
make_sampling_fixtures.py (PredrawnNoise, f32; importing it applies debian_numpy.prefer()).
"""

import json
import os
import sys
import types

TOOLS = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, TOOLS)
# Importing make_sampling_fixtures first applies its Debian-numpy workaround before torch loads.
from make_sampling_fixtures import PredrawnNoise, f32  # noqa: E402
from make_if_fixtures import IF_SCHEDULER, TOKENS, if_config, save_random_model  # noqa: E402

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
import diffusers.schedulers.scheduling_ddpm as scheduling_ddpm  # noqa: E402
from diffusers import DDPMScheduler, UNet2DConditionModel  # noqa: E402
from safetensors.torch import save_file  # noqa: E402

ROOT = os.path.join(TOOLS, "..", "Tests", "DeepFloydTests", "Fixtures", "stage2")

# 1 / 0.7071, as diffusers' scripts/convert_if.py sets it (== 1.4142271248762552).
IF_II_SCALE = 1 / 0.7071


def sr_config(block_out, layers, head_dim, cross_dim, text_dim, text_heads, groups, sample_size,
              resnet_levels=2):
    """An IF stage II config, scaled down: if_config plus what convert_if.py's get_super_res_unet
    sets for the super-resolution UNets (IF-II-L's config.json has the same keys)."""
    n = len(block_out)
    attn_levels = n - resnet_levels
    config = if_config(block_out, 1, head_dim, cross_dim, text_dim, text_heads, groups, sample_size)
    config.update(
        in_channels=6, out_channels=6,
        down_block_types=["ResnetDownsampleBlock2D"] * resnet_levels + ["SimpleCrossAttnDownBlock2D"] * attn_levels,
        up_block_types=["SimpleCrossAttnUpBlock2D"] * attn_levels + ["ResnetUpsampleBlock2D"] * resnet_levels,
        layers_per_block=list(layers),
        class_embed_type="timestep",
        time_embedding_act_fn="gelu",
        time_embedding_dim=block_out[-1],  # model_channels * channel_mult[-1]; not the default 4 * block_out[0]
        resnet_skip_time_act=True,
        resnet_out_scale_factor=IF_II_SCALE,
        mid_block_scale_factor=IF_II_SCALE,
    )
    assert config["time_embedding_dim"] != 4 * block_out[0], "pick widths where time_embedding_dim matters"
    assert cross_dim % 32 == 0, "the cross-attention group norm has 32 groups"
    return config


MODELS = {
    # fp32 weights file; 4 levels (2 resnet, 2 cross-attention); 32x32 images. Widths are kept
    # small so that the weights stay a few hundred kB (the up blocks have layers + 1 resnets).
    "sr-a": dict(
        config=sr_config([8, 8, 12, 12], [1, 1, 2, 2], 4, 32, 48, 4, 4, 32),
        variant=None, seed=21),
    # fp16 weights file (as the course loads IF-II-L); 3 levels (2 resnet, 1 cross-attention); 16x16.
    "sr-b": dict(
        config=sr_config([8, 12, 20], [2, 1, 1], 10, 64, 40, 5, 2, 16),
        variant="fp16", seed=22),
}
BATCH = 2
TIMESTEPS = [900, 100]
CLASS_LABELS = [250, 250]

# The stage II scheduler, as convert_if.py builds it for IF-II (scheduler/scheduler_config.json):
# IF stage I's with sample_max_value 1.0 instead of 1.5. No timestep_spacing key, as in the
# snapshot, so diffusers' default "leading" applies.
STAGE2_SCHEDULER = {**IF_SCHEDULER, "sample_max_value": 1.0}

# The image-noising scheduler: convert_if.py's DDPMScheduler(beta_schedule="squaredcos_cap_v2"),
# every other key at its default (only add_noise, i.e. alphas_cumprod, is used).
IMAGE_NOISING_SCHEDULER = {
    "_class_name": "DDPMScheduler",
    "beta_end": 0.02,
    "beta_schedule": "squaredcos_cap_v2",
    "beta_start": 0.0001,
    "clip_sample": True,
    "clip_sample_range": 1.0,
    "dynamic_thresholding_ratio": 0.995,
    "num_train_timesteps": 1000,
    "prediction_type": "epsilon",
    "sample_max_value": 1.0,
    "thresholding": False,
    "trained_betas": None,
    "variance_type": "fixed_small",
}

LOOP_MODEL = "sr-a"
LOOP_STEPS = 5
GUIDANCE = 4.0
NOISE_LEVEL = 250
LOW_RES = 16
LOOP_SEED = 250


def scheduler(config):
    return DDPMScheduler(**{k: v for k, v in config.items() if not k.startswith("_")})


def check_scheduler_configs():
    """Both saved configs agree with the schedulers diffusers' scripts/convert_if.py builds for IF-II."""
    built = {
        "scheduler": (STAGE2_SCHEDULER, DDPMScheduler(
            variance_type="learned_range", beta_schedule="squaredcos_cap_v2", prediction_type="epsilon",
            thresholding=True, dynamic_thresholding_ratio=0.95, sample_max_value=1.0)),
        "image_noising_scheduler": (IMAGE_NOISING_SCHEDULER, DDPMScheduler(beta_schedule="squaredcos_cap_v2")),
    }
    for name, (ours, theirs) in built.items():
        for key, value in ours.items():
            if not key.startswith("_"):
                assert theirs.config[key] == value, (name, key, value, theirs.config[key])


def write_json(path, value, indent=None):
    with open(path, "w") as f:
        json.dump(value, f, indent=indent)
        if indent is not None:
            f.write("\n")


def load_model(name):
    folder = os.path.join(ROOT, name)
    variant = MODELS[name]["variant"]
    model = UNet2DConditionModel.from_pretrained(folder, variant=variant).eval()
    return model.float()


def make_model(name, spec):
    folder = os.path.join(ROOT, name)
    model, gen = save_random_model(spec, folder)

    cfg = model.config
    size = cfg.sample_size
    x = torch.randn(BATCH, 6, size, size, generator=gen)
    text = torch.randn(BATCH, TOKENS, cfg.encoder_hid_dim, generator=gen)
    t = torch.tensor(TIMESTEPS, dtype=torch.long)
    labels = torch.tensor(CLASS_LABELS, dtype=torch.long)

    with torch.no_grad():
        out = model(x, t, encoder_hidden_states=text, class_labels=labels).sample
        # The embedding the resnets get, step by step with the model's own helpers, in forward's
        # order: time_embedding(time_proj(t)) + class_embedding(time_proj(labels)) + add_embedding(text),
        # then time_embed_act (gelu).
        time_emb = model.time_embedding(model.get_time_embed(sample=x, timestep=t))
        class_emb = model.get_class_embed(sample=x, class_labels=labels)
        text_emb = model.get_aug_embed(emb=time_emb, encoder_hidden_states=text, added_cond_kwargs={})
        emb = model.time_embed_act(time_emb + class_emb + text_emb)
    assert out.shape == (BATCH, 6, size, size), out.shape

    # forward computed that same embedding: watch the activation (diffusers shares one GELU module
    # between all the places that use it, so look for the matching call among all of them).
    calls = []
    hook = model.time_embed_act.register_forward_hook(lambda m, i, o: calls.append(o))
    with torch.no_grad():
        model(x, t, encoder_hidden_states=text, class_labels=labels)
    hook.remove()
    assert any(o.shape == emb.shape and torch.equal(o, emb) for o in calls), "embedding differs from forward's"

    # The files read back give the same output, and the class label matters.
    reloaded = load_model(name)
    with torch.no_grad():
        again = reloaded(x, t, encoder_hidden_states=text, class_labels=labels).sample
        other = reloaded(x, t, encoder_hidden_states=text, class_labels=torch.tensor([0, 999])).sample
    assert torch.equal(out, again), float((out - again).abs().max())
    assert float((out - other).abs().max()) > 1e-3, "class_labels made no difference"

    save_file({"x": x.contiguous(), "encoder_hidden_states": text.contiguous()},
              os.path.join(folder, "inputs.safetensors"))
    expected = {
        "timesteps": TIMESTEPS,
        "class_labels": CLASS_LABELS,
        "output_shape": list(out.shape),
        "output": f32(out.flatten().tolist()),
        "max_abs_output": float(out.abs().max()),
        "embedding_shape": list(emb.shape),
        "time_embedding": f32(time_emb.flatten().tolist()),
        "class_embedding": f32(class_emb.flatten().tolist()),
        "text_embedding": f32(text_emb.flatten().tolist()),
        "embedding": f32(emb.flatten().tolist()),
        "parameter_count": sum(p.numel() for p in model.parameters()),
        "tensor_count": len(model.state_dict()),
    }
    write_json(os.path.join(folder, "expected.json"), expected)
    print(f"{name}: {expected['parameter_count']} parameters, {expected['tensor_count']} tensors, "
          f"max |out| {expected['max_abs_output']:.4f}")


def bilinear_align_corners_by_hand(x, size):
    """out[i] = in at i * (n_in - 1) / (n_out - 1), linearly interpolated, rows then columns."""
    def axis(n_in, n_out):
        pos = torch.arange(n_out, dtype=torch.float64) * ((n_in - 1) / (n_out - 1) if n_out > 1 else 0.0)
        lo = pos.floor().long().clamp(max=n_in - 1)
        hi = (lo + 1).clamp(max=n_in - 1)
        return lo, hi, (pos - lo).to(torch.float64)
    x = x.double()
    lo, hi, w = axis(x.shape[2], size[0])
    x = x[:, :, lo, :] * (1 - w)[:, None] + x[:, :, hi, :] * w[:, None]
    lo, hi, w = axis(x.shape[3], size[1])
    return x[:, :, :, lo] * (1 - w) + x[:, :, :, hi] * w


def make_upscale():
    folder = os.path.join(ROOT, "upscale")
    os.makedirs(folder, exist_ok=True)
    gen = torch.Generator().manual_seed(31)
    cases = {"square": ([1, 3, 8, 8], [32, 32]), "odd": ([2, 3, 5, 7], [11, 13])}
    inputs, expected = {}, {}
    for key, (shape, size) in cases.items():
        x = torch.rand(shape, generator=gen) * 2 - 1
        out = F.interpolate(x, tuple(size), mode="bilinear", align_corners=True)
        gap = float((out.double() - bilinear_align_corners_by_hand(x, size)).abs().max())
        assert gap < 1e-6, (key, gap)
        inputs[key] = x.contiguous()
        expected[key] = {"input_shape": shape, "size": size, "output_shape": list(out.shape),
                         "output": f32(out.flatten().tolist())}
    save_file(inputs, os.path.join(folder, "inputs.safetensors"))
    write_json(os.path.join(folder, "expected.json"), expected)
    print("upscale: " + ", ".join(f"{k} {v['input_shape']} -> {v['output_shape']}" for k, v in expected.items()))


def run_loop(unet, low_res, n_low, x_T, noise, cond, uncond):
    """IFSuperResolutionPipeline.__call__ (diffusers 0.30.3) re-stated, with output_type="pt"."""
    size = unet.config.sample_size
    sched = scheduler(STAGE2_SCHEDULER)
    sched.set_timesteps(LOOP_STEPS)
    timesteps = sched.timesteps
    assert float(sched.init_noise_sigma) == 1.0
    noising = scheduler(IMAGE_NOISING_SCHEDULER)

    prompt_embeds = torch.cat([uncond, cond])  # the pipeline: cat([negative_prompt_embeds, prompt_embeds])
    x = x_T * sched.init_noise_sigma
    upscaled = F.interpolate(low_res, (size, size), mode="bilinear", align_corners=True)
    noise_level = torch.tensor([NOISE_LEVEL] * upscaled.shape[0])
    noised = noising.add_noise(upscaled, n_low, timesteps=noise_level)
    noise_level = torch.cat([noise_level] * 2)

    patch = PredrawnNoise()
    original = scheduling_ddpm.randn_tensor
    scheduling_ddpm.randn_tensor = patch
    samples, drawn = [], 0
    try:
        for t in timesteps:
            model_input = torch.cat([x, noised], dim=1)
            model_input = torch.cat([model_input] * 2)
            model_input = sched.scale_model_input(model_input, t)
            with torch.no_grad():
                noise_pred = unet(model_input, t, encoder_hidden_states=prompt_embeds,
                                  class_labels=noise_level).sample
            eps_u, eps_c = noise_pred.chunk(2)
            eps_u, _ = eps_u.split(model_input.shape[1] // 2, dim=1)
            eps_c, var_c = eps_c.split(model_input.shape[1] // 2, dim=1)
            model_output = torch.cat([eps_u + GUIDANCE * (eps_c - eps_u), var_c], dim=1)
            before = patch.calls
            patch.noise = noise[drawn] if int(t) > 0 else None
            x = sched.step(model_output, t, x).prev_sample
            assert patch.calls == before + (1 if int(t) > 0 else 0), f"step {int(t)}: {patch.calls - before} draws"
            drawn += patch.calls - before
            samples.append(x.clone())
    finally:
        scheduling_ddpm.randn_tensor = original
    assert drawn == noise.shape[0], (drawn, noise.shape)
    return [int(t) for t in timesteps], upscaled, noised, samples


def import_pipeline_module():
    """diffusers' pipeline_if_superresolution, importable without transformers (see the docstring)."""
    try:
        import transformers  # noqa: F401
    except ImportError:
        stub = types.ModuleType("transformers")
        for name in ["CLIPImageProcessor", "T5EncoderModel", "T5Tokenizer", "CLIPConfig",
                     "CLIPVisionModelWithProjection"]:
            setattr(stub, name, type(name, (), {}))
        stub.PreTrainedModel = type("PreTrainedModel", (torch.nn.Module,), {})
        sys.modules["transformers"] = stub
        # diffusers.loaders only exports the LoRA mixins when it found transformers at import.
        import diffusers.loaders
        import diffusers.loaders.lora_pipeline as lora_pipeline
        if not hasattr(diffusers.loaders, "StableDiffusionLoraLoaderMixin"):
            diffusers.loaders.StableDiffusionLoraLoaderMixin = lora_pipeline.StableDiffusionLoraLoaderMixin
    import diffusers.pipelines.deepfloyd_if.pipeline_if_superresolution as module
    return module


def run_pipeline(unet, low_res, n_low, x_T, noise, cond, uncond):
    """The same loop through IFSuperResolutionPipeline.__call__ itself."""
    module = import_pipeline_module()
    pipe = module.IFSuperResolutionPipeline(
        tokenizer=None, text_encoder=None, unet=unet, scheduler=scheduler(STAGE2_SCHEDULER),
        image_noising_scheduler=scheduler(IMAGE_NOISING_SCHEDULER), safety_checker=None,
        feature_extractor=None, watermarker=None, requires_safety_checker=False)
    pipe.set_progress_bar_config(disable=True)

    # The pipeline draws x_T (prepare_intermediate_images) and then the noise-level noise.
    queue = [x_T, n_low]

    def pipeline_randn(shape, generator=None, device=None, dtype=None, layout=None):
        z = queue.pop(0)
        assert tuple(shape) == tuple(z.shape), (shape, z.shape)
        return z.clone()

    step_noise = list(noise)

    def step_randn(shape, generator=None, device=None, dtype=None, layout=None):
        z = step_noise.pop(0)
        assert tuple(shape) == tuple(z.shape), (shape, z.shape)
        return z.clone()

    saved = module.randn_tensor, scheduling_ddpm.randn_tensor
    module.randn_tensor, scheduling_ddpm.randn_tensor = pipeline_randn, step_randn
    try:
        out = pipe(image=low_res, prompt_embeds=cond, negative_prompt_embeds=uncond,
                   num_inference_steps=LOOP_STEPS, guidance_scale=GUIDANCE, noise_level=NOISE_LEVEL,
                   output_type="pt").images
    finally:
        module.randn_tensor, scheduling_ddpm.randn_tensor = saved
    assert not queue and not step_noise, (len(queue), len(step_noise))
    return out


def make_loop():
    check_scheduler_configs()
    if not os.path.exists(os.path.join(ROOT, LOOP_MODEL, "config.json")):
        make_model(LOOP_MODEL, MODELS[LOOP_MODEL])
    unet = load_model(LOOP_MODEL)
    assert unet.dtype == torch.float32
    size = unet.config.sample_size
    dim = unet.config.encoder_hid_dim
    shape = (1, 3, size, size)

    probe = scheduler(STAGE2_SCHEDULER)
    probe.set_timesteps(LOOP_STEPS)
    draws = sum(1 for t in probe.timesteps if int(t) > 0)

    gen = torch.Generator().manual_seed(LOOP_SEED)
    low_res = (torch.rand(1, 3, LOW_RES, LOW_RES, generator=gen) * 2 - 1)
    n_low = torch.randn(shape, generator=gen)
    x_T = torch.randn(shape, generator=gen)
    noise = torch.stack([torch.randn(shape, generator=gen) for _ in range(draws)])
    cond = torch.randn(1, TOKENS, dim, generator=gen)
    uncond = torch.randn(1, TOKENS, dim, generator=gen)

    timesteps, upscaled, noised, samples = run_loop(unet, low_res, n_low, x_T, noise, cond, uncond)
    final = samples[-1]
    for x in samples:
        assert torch.isfinite(x).all()

    # diffusers' own pipeline, fed the same draws, returns the same image.
    piped = run_pipeline(unet, low_res, n_low, x_T, noise, cond, uncond)
    pipeline_gap = float((piped - final).abs().max())
    assert pipeline_gap == 0.0, pipeline_gap

    # The noise level noising, written out.
    abar = scheduler(IMAGE_NOISING_SCHEDULER).alphas_cumprod[NOISE_LEVEL]
    by_hand = abar.sqrt() * upscaled + (1 - abar).sqrt() * n_low
    assert float((by_hand - noised).abs().max()) < 1e-6

    folder = os.path.join(ROOT, "loop")
    os.makedirs(folder, exist_ok=True)
    write_json(os.path.join(folder, "scheduler_config.json"), STAGE2_SCHEDULER, indent=2)
    write_json(os.path.join(folder, "image_noising_scheduler_config.json"), IMAGE_NOISING_SCHEDULER, indent=2)
    save_file({"low_res": low_res.contiguous(), "noise_level_noise": n_low.contiguous(),
               "x": x_T.contiguous(), "noise": noise.contiguous(),
               "prompt_embeds": cond.contiguous(), "negative_prompt_embeds": uncond.contiguous()},
              os.path.join(folder, "inputs.safetensors"))
    expected = {
        "model": LOOP_MODEL,
        "timesteps": timesteps,
        "noise_drawn_at": [t for t in timesteps if t > 0],
        "guidance_scale": GUIDANCE,
        "noise_level": NOISE_LEVEL,
        "class_labels": [NOISE_LEVEL, NOISE_LEVEL],
        "shape": list(shape),
        "low_res_shape": list(low_res.shape),
        "cfg_order": ["negative_prompt_embeds", "prompt_embeds"],
        "noise_level_sqrt_alpha_cumprod": float(abar.sqrt()),
        "noise_level_sqrt_one_minus_alpha_cumprod": float((1 - abar).sqrt()),
        "upscaled": f32(upscaled.flatten().tolist()),
        "noised_upscaled": f32(noised.flatten().tolist()),
        "samples": [f32(x.flatten().tolist()) for x in samples],
        "final": f32(final.flatten().tolist()),
        "max_abs": float(final.abs().max()),
        "max_abs_per_step": [float(x.abs().max()) for x in samples],
        "pipeline_check": "IFSuperResolutionPipeline.__call__ with the same draws: max |difference| 0",
    }
    write_json(os.path.join(folder, "expected.json"), expected)
    print(f"loop: {LOOP_MODEL}, timesteps {timesteps}, noise drawn at {expected['noise_drawn_at']}, "
          f"D {dim}; max |final| {expected['max_abs']:.4f}; per step "
          f"{', '.join(f'{m:.4f}' for m in expected['max_abs_per_step'])}; pipeline gap {pipeline_gap}")


def main():
    torch.set_num_threads(1)
    only = sys.argv[1:]
    for name, spec in MODELS.items():
        if not only or name in only:
            make_model(name, spec)
    if not only or "upscale" in only:
        make_upscale()
    if not only or "loop" in only:
        make_loop()


if __name__ == "__main__":
    main()
