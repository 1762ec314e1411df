#!/usr/bin/env python3
"""Parity fixtures for the T5 v1.1 text encoder port (Sources/T5) and sharded checkpoints.

Run with a Python that has torch, transformers, safetensors and numpy (the pyenv 3.11
`python3`; `pip install torch transformers safetensors numpy`):

    python3 tools/make_t5_fixtures.py

Everything is seeded, so a rerun with the same library versions writes the same values.
Writes, under Tests/T5Tests/Fixtures, for two small random `transformers.T5EncoderModel`s
(feed_forward_proj "gated-gelu", eager attention, eval mode; every layer norm and the
relative attention bias table moved away from their initial values, q and k scaled up so
that the attention is far from uniform):

  t5-a/   fp32, d_model 48 but 4 heads x d_kv 8 = 32 inner width, 3 layers, default
          buckets (32) and max distance (128); saved by transformers' save_pretrained as
          sharded safetensors: config.json, model-0000i-of-0000n.safetensors,
          model.safetensors.index.json. Inputs of length 77 (as IF uses).
  t5-b/   fp16 weights, d_model 64 = 4 heads x d_kv 16, 2 layers, 16 buckets, max
          distance 20; saved as sharded torch .bin files the way transformers 4.x wrote
          them with safe_serialization=False and variant "fp16":
          pytorch_model.fp16-0000i-of-0000n.bin, pytorch_model.bin.index.fp16.json (the
          tied copy encoder.embed_tokens.weight shares shared.weight's storage). Inputs of
          length 24. The reference output comes from the fp16 weights widened to fp32.
  t5-b-whole/  t5-b's config and weights as one torch.save of the module's state_dict()
          (an OrderedDict with _metadata), as transformers 4.x saved an unsharded
          checkpoint: pytorch_model.fp16.bin. Same inputs and output as t5-b.

  each with
    inputs.json            input_ids and attention_mask ([B, L] each: an all-padding row
                           after EOS, i.e. the "" prompt, and rows of other real lengths),
                           the output shape and max |last_hidden_state|
    expected.safetensors   last_hidden_state [B, L, d_model], float32
    buckets.json           transformers' _relative_position_bucket (bidirectional, and
                           unidirectional as the decoder uses it) for relative positions
                           -300...300 under the model's config

and, for the refusals:
  forbidden/pytorch_model.bin                a torch.save-shaped zip whose data.pkl asks
                                             for posix.system (written opcode by opcode,
                                             never unpickled here)
  truncated-index/model.safetensors.index.json   JSON cut off mid-way
  missing-shard/model.safetensors.index.json     names two shards; only the first exists
"""

import json
import os
import shutil
import zipfile

import numpy as np
import torch
from huggingface_hub import split_torch_state_dict_into_shards
from safetensors.torch import save_file
from transformers import T5Config, T5EncoderModel
from transformers.models.t5.modeling_t5 import T5Attention

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "T5Tests", "Fixtures")

MODELS = {
    "t5-a": dict(
        config=dict(vocab_size=100, d_model=48, d_kv=8, num_heads=4, d_ff=80, num_layers=3,
                    feed_forward_proj="gated-gelu", layer_norm_epsilon=1e-6),
        length=77, real_lengths=[1, 13, 77], seed=11, format="safetensors"),
    "t5-b": dict(
        config=dict(vocab_size=120, d_model=64, d_kv=16, num_heads=4, d_ff=96, num_layers=2,
                    relative_attention_num_buckets=16, relative_attention_max_distance=20,
                    feed_forward_proj="gated-gelu", layer_norm_epsilon=1e-5),
        length=24, real_lengths=[1, 5, 17, 24], seed=12, format="bin-fp16"),
}
EOS, PAD = 1, 0


def perturb(model, gen):
    """Layer norms off 1, a relative attention bias table well off its small init, and
    q, k scaled so that the unscaled dot products give a sharp softmax."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "layer_norm" in name:
                p.copy_(0.6 + 0.8 * torch.rand(p.shape, generator=gen))
            elif "relative_attention_bias" in name:
                p.copy_(1.5 * torch.randn(p.shape, generator=gen))
            elif name.endswith(".q.weight") or name.endswith(".k.weight"):
                p.mul_(2.5)


def inputs_for(spec, vocab, gen):
    """One row per real length: random ids, EOS, then padding; mask 1 on the real tokens."""
    ids, mask = [], []
    for n in spec["real_lengths"]:
        body = torch.randint(2, vocab, (n - 1,), generator=gen).tolist()
        row = body + [EOS] + [PAD] * (spec["length"] - n)
        ids.append(row)
        mask.append([1] * n + [0] * (spec["length"] - n))
    return ids, mask


def save_bin_shards(state_dict, folder, variant, max_shard_size):
    """Sharded torch.save files and their index, as transformers 4.x's save_pretrained
    wrote them with safe_serialization=False (plain dict per shard, tied tensors kept)."""
    pattern = "pytorch_model.%s{suffix}.bin" % variant
    split = split_torch_state_dict_into_shards(state_dict, filename_pattern=pattern, max_shard_size=max_shard_size)
    for filename, names in split.filename_to_tensors.items():
        torch.save({name: state_dict[name] for name in names}, os.path.join(folder, filename))
    index = {"metadata": {"total_size": split.metadata.get("total_size")}, "weight_map": split.tensor_to_filename}
    with open(os.path.join(folder, "pytorch_model.bin.index.%s.json" % variant), "w") as f:
        f.write(json.dumps(index, indent=2, sort_keys=True) + "\n")
    return sorted(split.filename_to_tensors)


def numpy_forward(model, ids, mask):
    """An independent float64 NumPy forward of the encoder (RMSNorm, unscaled attention
    plus the bucketed bias and the finfo.min mask, gated gelu_new), to confirm
    transformers' output before it becomes a fixture."""
    c = model.config
    w = {k: v.double().numpy() for k, v in model.state_dict().items()}
    ids, mask = np.array(ids), np.array(mask, dtype=np.float64)
    b, length = ids.shape
    h = w["shared.weight"][ids]

    def rms(x, weight):
        return x / np.sqrt((x * x).mean(-1, keepdims=True) + c.layer_norm_epsilon) * weight

    rp = np.arange(length)[None, :] - np.arange(length)[:, None]
    buckets = T5Attention._relative_position_bucket(
        torch.tensor(rp), bidirectional=True, num_buckets=c.relative_attention_num_buckets,
        max_distance=c.relative_attention_max_distance).numpy()
    table = w["encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight"]
    bias = table[buckets].transpose(2, 0, 1)[None] + ((1 - mask) * np.finfo(np.float32).min)[:, None, None, :]
    for i in range(c.num_layers):
        p = f"encoder.block.{i}.layer."
        x = rms(h, w[p + "0.layer_norm.weight"])
        q, k, v = (x @ w[p + f"0.SelfAttention.{n}.weight"].T for n in "qkv")
        split = lambda t: t.reshape(b, length, c.num_heads, c.d_kv).transpose(0, 2, 1, 3)
        scores = split(q) @ split(k).transpose(0, 1, 3, 2) + bias
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        attn = (scores / scores.sum(-1, keepdims=True)) @ split(v)
        h = h + attn.transpose(0, 2, 1, 3).reshape(b, length, -1) @ w[p + "0.SelfAttention.o.weight"].T
        x = rms(h, w[p + "1.layer_norm.weight"])
        a = x @ w[p + "1.DenseReluDense.wi_0.weight"].T
        gelu = 0.5 * a * (1 + np.tanh(np.sqrt(2 / np.pi) * (a + 0.044715 * a ** 3)))
        h = h + (gelu * (x @ w[p + "1.DenseReluDense.wi_1.weight"].T)) @ w[p + "1.DenseReluDense.wo.weight"].T
    return rms(h, w["encoder.final_layer_norm.weight"])


def make_model(name, spec):
    torch.manual_seed(spec["seed"])
    gen = torch.Generator().manual_seed(100 + spec["seed"])
    config = T5Config(**spec["config"], dropout_rate=0.0, is_encoder_decoder=False)
    config._attn_implementation = "eager"
    model = T5EncoderModel(config).eval()
    perturb(model, gen)
    folder = os.path.join(ROOT, name)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)

    if spec["format"] == "safetensors":
        model.save_pretrained(folder, max_shard_size="100KB")
        shards = sorted(f for f in os.listdir(folder) if f.endswith(".safetensors"))
    else:
        # The reference runs the fp16-rounded weights in fp32, as the Swift port does.
        model = model.half().float()
        model.config.save_pretrained(folder)
        half = {k: v.half() for k, v in model.state_dict().items()}
        # Tie as the module does, so both names refer to one storage in the shard.
        half["encoder.embed_tokens.weight"] = half["shared.weight"]
        shards = save_bin_shards(half, folder, "fp16", "60KB")
        # The same weights unsharded, as transformers 4.x saved a small model: the module's
        # state_dict() itself, an OrderedDict whose _metadata attribute pickles by BUILD.
        whole = os.path.join(ROOT, name + "-whole")
        shutil.rmtree(whole, ignore_errors=True)
        os.makedirs(whole)
        shutil.copy(os.path.join(folder, "config.json"), whole)
        state = model.half().state_dict()
        model = model.float()
        assert type(state).__name__ == "OrderedDict" and state._metadata
        torch.save(state, os.path.join(whole, "pytorch_model.fp16.bin"))
    for extra in ("generation_config.json",):
        if os.path.exists(os.path.join(folder, extra)):
            os.remove(os.path.join(folder, extra))
    assert len(shards) >= 2, f"{name}: only {len(shards)} shard(s)"

    ids, mask = inputs_for(spec, config.vocab_size, gen)
    with torch.no_grad():
        out = model(input_ids=torch.tensor(ids), attention_mask=torch.tensor(mask)).last_hidden_state
    out = out.float().contiguous()
    check = np.abs(numpy_forward(model, ids, mask) - out.double().numpy()).max()
    assert check <= 1e-5 * float(out.abs().max()), f"{name}: transformers and NumPy differ by {check}"
    save_file({"last_hidden_state": out}, os.path.join(folder, "expected.safetensors"))
    with open(os.path.join(folder, "inputs.json"), "w") as f:
        json.dump({"input_ids": ids, "attention_mask": mask, "shape": list(out.shape),
                   "max_abs": float(out.abs().max())}, f)

    positions = torch.arange(-300, 301)
    buckets = T5Attention._relative_position_bucket(
        positions, bidirectional=True, num_buckets=config.relative_attention_num_buckets,
        max_distance=config.relative_attention_max_distance)
    unidirectional = T5Attention._relative_position_bucket(
        positions, bidirectional=False, num_buckets=config.relative_attention_num_buckets,
        max_distance=config.relative_attention_max_distance)
    with open(os.path.join(folder, "buckets.json"), "w") as f:
        json.dump({"num_buckets": config.relative_attention_num_buckets,
                   "max_distance": config.relative_attention_max_distance,
                   "relative_positions": positions.tolist(), "buckets": buckets.tolist(),
                   "unidirectional_buckets": unidirectional.tolist()}, f)
    print(f"{name}: {len(shards)} shards, {sum(p.numel() for p in model.parameters())} parameters, "
          f"output {list(out.shape)}, max |out| {float(out.abs().max()):.4f}, "
          f"std {float(out.std()):.4f}, |transformers - NumPy| {check:.2e}")


def stored_zip(path, entries):
    """A zip with stored (uncompressed) entries, as torch.save writes; fixed timestamps
    so that reruns write the same bytes."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as z:
        for name, data in entries:
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)


def make_refusals():
    forbidden = os.path.join(ROOT, "forbidden")
    shutil.rmtree(forbidden, ignore_errors=True)
    os.makedirs(forbidden)
    # PROTO 2, GLOBAL posix.system, SHORT_BINUNICODE "echo owned", TUPLE1, REDUCE, STOP:
    # what pickle.dumps of an object reducing to os.system would hold. Never loaded here.
    command = b"echo owned"
    pickle_bytes = (b"\x80\x02" + b"cposix\nsystem\n" + b"\x8c" + bytes([len(command)]) + command
                    + b"\x85" + b"R" + b".")
    stored_zip(os.path.join(forbidden, "pytorch_model.bin"),
               [("archive/data.pkl", pickle_bytes), ("archive/byteorder", b"little"), ("archive/version", b"3\n")])

    truncated = os.path.join(ROOT, "truncated-index")
    shutil.rmtree(truncated, ignore_errors=True)
    os.makedirs(truncated)
    text = json.dumps({"metadata": {"total_size": 16},
                       "weight_map": {"x": "model-00001-of-00001.safetensors"}}, indent=2)
    with open(os.path.join(truncated, "model.safetensors.index.json"), "w") as f:
        f.write(text[: len(text) // 2])

    missing = os.path.join(ROOT, "missing-shard")
    shutil.rmtree(missing, ignore_errors=True)
    os.makedirs(missing)
    save_file({"x": torch.arange(4, dtype=torch.float32)}, os.path.join(missing, "model-00001-of-00002.safetensors"))
    index = {"metadata": {"total_size": 32},
             "weight_map": {"x": "model-00001-of-00002.safetensors", "y": "model-00002-of-00002.safetensors"}}
    with open(os.path.join(missing, "model.safetensors.index.json"), "w") as f:
        f.write(json.dumps(index, indent=2, sort_keys=True) + "\n")


def main():
    torch.set_num_threads(1)
    np.random.seed(0)
    for name, spec in MODELS.items():
        make_model(name, spec)
    make_refusals()


if __name__ == "__main__":
    main()
