#!/usr/bin/env python3
"""PyTorch + diffusers timing of the IF UNet forward, to compare with `make bench`.

Builds diffusers' UNet2DConditionModel with IF-I-M / IF-I-L / IF-I-XL shapes, or stage II's
IF-II-L (the configs of Sources/Bench/BenchModel.swift), and random weights (no download), then
times the forward (stage I at 64x64, stage II at 256x256 with 6 input channels and the noise
level 250 as class label) with 77 text tokens: one warm-up, then the median of --runs runs, for
1 and 2 torch threads, keeping the faster setting. Prints one line per (model, batch):
    RESULT model=IF-I-M batch=1 seconds=2.0123 threads=2 min_s=... max_s=... cpu=AVX512
`cpu` is ATen's CPU capability: ATEN_CPU_CAPABILITY=avx2, with ONEDNN_MAX_CPU_ISA=AVX2 for the
convolutions and MKL_ENABLE_INSTRUCTIONS=AVX2 for the matrix products, caps PyTorch at AVX2
(`make bench` sets all three when noisebook's AVX2 kernels are forced on an AVX-512 CPU).
Run with OMP_WAIT_POLICY=PASSIVE (set here before torch loads) so idle OpenMP threads do
not spin against the other process on a 2-core machine.
"""
import argparse
import os
import statistics
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402
from diffusers import UNet2DConditionModel  # noqa: E402

SHAPES = {
    "IF-I-M": ([192, 384, 576, 768], 768),
    "IF-I-L": ([320, 640, 960, 1280], 1280),
    "IF-I-XL": ([704, 1408, 2112, 2816], 2816),
}


def build(name):
    torch.manual_seed(0)
    if name == "IF-II-L":
        return UNet2DConditionModel(
            sample_size=256, in_channels=6, out_channels=6, layers_per_block=[2, 2, 3, 5, 5],
            block_out_channels=[160, 320, 640, 960, 1280], cross_attention_dim=1280, attention_head_dim=64,
            down_block_types=["ResnetDownsampleBlock2D"] * 3 + ["SimpleCrossAttnDownBlock2D"] * 2,
            up_block_types=["SimpleCrossAttnUpBlock2D"] * 2 + ["ResnetUpsampleBlock2D"] * 3,
            mid_block_type="UNetMidBlock2DSimpleCrossAttn", act_fn="gelu", norm_num_groups=32,
            norm_eps=1e-5, resnet_time_scale_shift="scale_shift", cross_attention_norm="group_norm",
            encoder_hid_dim=4096, encoder_hid_dim_type="text_proj", addition_embed_type="text",
            addition_embed_type_num_heads=64, flip_sin_to_cos=True, freq_shift=0,
            class_embed_type="timestep", resnet_skip_time_act=True,
            resnet_out_scale_factor=1.4142271248762552, mid_block_scale_factor=1.4142271248762552,
        ).eval()
    channels, cross = SHAPES[name]
    return UNet2DConditionModel(
        sample_size=64, in_channels=3, out_channels=6, layers_per_block=3,
        block_out_channels=channels, cross_attention_dim=cross, attention_head_dim=64,
        down_block_types=["ResnetDownsampleBlock2D"] + ["SimpleCrossAttnDownBlock2D"] * 3,
        up_block_types=["SimpleCrossAttnUpBlock2D"] * 3 + ["ResnetUpsampleBlock2D"],
        mid_block_type="UNetMidBlock2DSimpleCrossAttn", act_fn="gelu", norm_num_groups=32,
        norm_eps=1e-5, resnet_time_scale_shift="scale_shift", cross_attention_norm="group_norm",
        encoder_hid_dim=4096, encoder_hid_dim_type="text_proj", addition_embed_type="text",
        addition_embed_type_num_heads=64, flip_sin_to_cos=True, freq_shift=0,
    ).eval()


def time_forward(unet, batch, runs):
    g = torch.Generator().manual_seed(1)
    config = unet.config
    x = torch.randn(batch, config.in_channels, config.sample_size, config.sample_size, generator=g)
    text = torch.randn(batch, 77, 4096, generator=g)
    t = torch.full((batch,), 500)
    labels = torch.full((batch,), 250) if config.class_embed_type == "timestep" else None
    with torch.inference_mode():
        unet(x, t, encoder_hidden_states=text, class_labels=labels)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            unet(x, t, encoder_hidden_states=text, class_labels=labels)
            times.append(time.perf_counter() - start)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--models", default="IF-I-M,IF-I-L")
    parser.add_argument("--batches", default="1,2")
    parser.add_argument("--stage2-runs", type=int, default=0,
                        help="also time IF-II-L at batch 2 (one CFG step) with this many runs")
    parser.add_argument("--threads", default="1,2", help="torch thread counts to try")
    args = parser.parse_args()
    for name in args.models.split(","):
        name = name if name.startswith("IF-") else "IF-I-" + name
        unet = build(name)
        for batch in [int(b) for b in args.batches.split(",")]:
            best = None
            for threads in [int(n) for n in args.threads.split(",")]:
                torch.set_num_threads(threads)
                times = time_forward(unet, batch, args.runs)
                median = statistics.median(times)
                if best is None or median < best[0]:
                    best = (median, threads, min(times), max(times))
            print(f"RESULT model={name} batch={batch} seconds={best[0]:.4f} threads={best[1]} "
                  f"min_s={best[2]:.4f} max_s={best[3]:.4f} torch={torch.__version__} "
                  f"cpu={torch.backends.cpu.get_cpu_capability()}", flush=True)
        del unet
    if args.stage2_runs > 0:
        unet = build("IF-II-L")
        best = None
        for threads in [int(n) for n in args.threads.split(",")]:
            torch.set_num_threads(threads)
            times = time_forward(unet, 2, args.stage2_runs)
            median = statistics.median(times)
            if best is None or median < best[0]:
                best = (median, threads, min(times), max(times))
        print(f"RESULT model=IF-II-L batch=2 seconds={best[0]:.4f} threads={best[1]} "
              f"min_s={best[2]:.4f} max_s={best[3]:.4f} torch={torch.__version__}", flush=True)


if __name__ == "__main__":
    main()
