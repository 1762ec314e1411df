#!/usr/bin/env python3
"""OpenVINO timing of the IF UNet forward, to compare with `make bench` beside PyTorch.

Builds the same diffusers UNet2DConditionModel as pytorch_unet.py (random weights, no
download), converts it with `openvino.convert_model` from PyTorch (traced on example inputs),
compiles it for the CPU in f32 (`INFERENCE_PRECISION_HINT` f32, latency mode), then times the
forward: one warm-up, then the median of --runs runs. Prints one line per (model, batch):
    RESULT model=IF-I-M batch=1 seconds=2.0123 engine=openvino version=... min_s=... max_s=...
        isa_cap=none kernels=brgconv_avx512_f32*74,...

`kernels` says what ran: the execution types OpenVINO's profiling reports for the convolution
and matrix-product nodes, with their counts, from one extra inference of a second compilation
with profiling on (the timed one runs without it). ONEDNN_MAX_CPU_ISA=AVX2 in the environment
caps OpenVINO's oneDNN kernels at AVX2 (`make bench` sets it, with OV_CPU_MAX_ISA for
OpenVINO's own kernels where a build honours it, when noisebook's AVX2 kernels are forced on
an AVX-512 CPU); its matrix products through MLAS (`gemm_mlas_f32`) choose their instructions
themselves and are not capped.
"""
import argparse
import os
import statistics
import sys
import time

import openvino as ov
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_unet import build  # noqa: E402  (one definition of each shape)


class Forward(torch.nn.Module):
    """The UNet as a plain tensor-in, tensor-out module, as tracing needs."""

    def __init__(self, unet):
        super().__init__()
        self.unet = unet

    def forward(self, sample, timestep, encoder_hidden_states):
        return self.unet(sample, timestep, encoder_hidden_states=encoder_hidden_states, return_dict=False)[0]


def inputs(unet, batch):
    g = torch.Generator().manual_seed(1)
    config = unet.config
    x = torch.randn(batch, config.in_channels, config.sample_size, config.sample_size, generator=g)
    text = torch.randn(batch, 77, 4096, generator=g)
    t = torch.full((batch,), 500)
    return x, t, text


HEAVY_NODES = {"Convolution", "MatMul", "FullyConnected", "GroupConvolution", "ScaledDotProductAttention"}

# How the timed model is compiled; the profiled compilation adds only PERF_COUNT to it.
CONFIG = {"PERFORMANCE_HINT": "LATENCY", "INFERENCE_PRECISION_HINT": "f32"}


def kernels(core, model, feed):
    """The execution types of the heavy nodes in one profiled inference, most frequent first."""
    profiled = core.compile_model(model, "CPU", {**CONFIG, "PERF_COUNT": True})
    request = profiled.create_infer_request()
    request.infer(feed)
    counts = {}
    for info in request.get_profiling_info():
        if info.node_type in HEAVY_NODES and info.status == info.Status.EXECUTED:
            counts[info.exec_type] = counts.get(info.exec_type, 0) + 1
    return ",".join(f"{kind}*{n}" for kind, n in sorted(counts.items(), key=lambda kv: -kv[1])) or "none"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--models", default="IF-I-M,IF-I-L")
    parser.add_argument("--batches", default="1,2")
    args = parser.parse_args()
    core = ov.Core()
    for name in args.models.split(","):
        name = name if name.startswith("IF-") else "IF-I-" + name
        unet = build(name)
        for batch in [int(b) for b in args.batches.split(",")]:
            x, t, text = inputs(unet, batch)
            with torch.no_grad():
                model = ov.convert_model(Forward(unet), example_input=(x, t, text))
            compiled = core.compile_model(model, "CPU", CONFIG)
            request = compiled.create_infer_request()
            feed = [x.numpy(), t.numpy(), text.numpy()]
            request.infer(feed)
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                request.infer(feed)
                times.append(time.perf_counter() - start)
            ran = kernels(core, model, feed)
            print(f"RESULT model={name} batch={batch} seconds={statistics.median(times):.4f} engine=openvino "
                  f"version={ov.__version__} min_s={min(times):.4f} max_s={max(times):.4f} "
                  f"isa_cap={os.environ.get('ONEDNN_MAX_CPU_ISA', 'none')} kernels={ran}", flush=True)
            del compiled, request, model
        del unet


if __name__ == "__main__":
    main()
