#!/usr/bin/env python3
"""Writes the fixtures of Tests/WeightsTests/Fixtures with the reference tools.

Run with /usr/bin/python3 (torch 1.13, numpy; the `safetensors` package when installed):

    /usr/bin/python3 tools/make_weights_fixtures.py

Files written (all small):
  prompts.pth            real torch.save of 3 prompts -> fp16 [1, 77, 8]; one is a slice
                         of a shared storage (non-zero offset), one a transposed view
                         (non-contiguous strides)
  prompts_p4.pth         the same dict saved with pickle protocol 4 (FRAME, MEMOIZE,
                         SHORT_BINUNICODE, STACK_GLOBAL... depending on torch)
  prompts_zip64.pth      prompts.pth re-packed by hand with zip64 sizes and end records
  prompts_deflated.pth   prompts.pth with its entries deflate-compressed (must be refused)
  prompts_truncated.pth  the first half of prompts.pth
  malicious_system.pth   a zip whose data.pkl asks for posix.system (hand-written opcodes)
  malicious_eval.pth     the same with builtins.eval via STACK_GLOBAL
  prompts_expected.json  prompt -> shape and values (fp16 values widened, exact)
  embeddings.safetensors the same prompts as a safetensors file
  mixed.safetensors      F32, F16, BF16 and I64 tensors with __metadata__
  mixed_expected.json    their shapes, dtypes and values
  f32.npy, f16.npy, f32_v2.npy, fortran.npy, bigendian.npy, int64.npy, npy_expected.json
"""
import io
import json
import os
import struct
import zipfile
import zlib

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Tests", "WeightsTests", "Fixtures")
PROMPTS = ["a photo of a dog", "a rocket ship", "an oil painting of a snowy mountain village"]


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def values(tensor):
    return [float(v) for v in tensor.float().contiguous().reshape(-1).tolist()]


def make_prompts():
    gen = torch.Generator().manual_seed(5)
    plain = torch.randn(1, 77, 8, generator=gen).half()
    shared = torch.randn(2, 77, 8, generator=gen).half()
    sliced = shared[1:2]                                   # storage offset 616
    transposed = torch.randn(1, 8, 77, generator=gen).half().transpose(1, 2)  # strides (616, 1, 77)
    assert sliced.storage_offset() == 616 and not transposed.is_contiguous()
    embeds = {PROMPTS[0]: plain, PROMPTS[1]: sliced, PROMPTS[2]: transposed}
    buffer = io.BytesIO()
    torch.save(embeds, buffer)
    write("prompts.pth", buffer.getvalue())
    buffer4 = io.BytesIO()
    torch.save(embeds, buffer4, pickle_protocol=4)
    write("prompts_p4.pth", buffer4.getvalue())
    # The reference loader must agree with what we claim.
    for path in ("prompts.pth", "prompts_p4.pth"):
        loaded = torch.load(os.path.join(OUT, path))
        assert list(loaded) == PROMPTS
        for k in PROMPTS:
            assert torch.equal(loaded[k], embeds[k])
    expected = [{"prompt": k, "shape": list(v.shape), "values": values(v)} for k, v in embeds.items()]
    with open(os.path.join(OUT, "prompts_expected.json"), "w") as f:
        json.dump(expected, f)
    return buffer.getvalue(), embeds


def zip_entries(data):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i.filename, z.read(i.filename)) for i in z.infolist()]


def make_zip64(entries):
    """A stored zip whose central directory uses zip64 extra fields for sizes and offsets
    and which ends with zip64 end records, as torch writes for very large files."""
    out = io.BytesIO()
    central = []
    for name, data in entries:
        offset = out.tell()
        crc = zlib.crc32(data) & 0xFFFFFFFF
        raw_name = name.encode()
        local_extra = struct.pack("<HHQQ", 1, 16, len(data), len(data))
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 0, 0, 0, crc,
                              0xFFFFFFFF, 0xFFFFFFFF, len(raw_name), len(local_extra)))
        out.write(raw_name + local_extra + data)
        extra = struct.pack("<HHQQQ", 1, 24, len(data), len(data), offset)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 0, 0, 0, crc,
                                   0xFFFFFFFF, 0xFFFFFFFF, len(raw_name), len(extra), 0, 0, 0, 0,
                                   0xFFFFFFFF) + raw_name + extra)
    cd_offset = out.tell()
    for record in central:
        out.write(record)
    cd_size = out.tell() - cd_offset
    eocd64 = out.tell()
    out.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0,
                          len(entries), len(entries), cd_size, cd_offset))
    out.write(struct.pack("<IIQI", 0x07064B50, 0, eocd64, 1))
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0))
    return out.getvalue()


def make_zip(entries, compression=zipfile.ZIP_STORED):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as z:
        for name, data in entries:
            # A fixed timestamp keeps the fixture byte-identical from run to run.
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data, compress_type=compression)
    return out.getvalue()


def make_archives(pth):
    entries = zip_entries(pth)
    zip64 = make_zip64(entries)
    write("prompts_zip64.pth", zip64)
    loaded = torch.load(io.BytesIO(zip64))   # torch's own reader accepts the zip64 form
    assert list(loaded) == PROMPTS
    write("prompts_deflated.pth", make_zip(entries, zipfile.ZIP_DEFLATED))
    write("prompts_truncated.pth", pth[: len(pth) // 2])
    # PROTO 2, GLOBAL 'posix system', BINUNICODE 'echo owned', TUPLE1, REDUCE, STOP
    command = b"echo owned"
    system = (b"\x80\x02" + b"cposix\nsystem\n" + b"X" + struct.pack("<I", len(command)) + command
              + b"\x85" + b"R" + b".")
    write("malicious_system.pth", make_zip([("archive/data.pkl", system), ("archive/version", b"3\n")]))
    # PROTO 4, SHORT_BINUNICODE 'builtins', SHORT_BINUNICODE 'eval', STACK_GLOBAL, ...
    source = b"1+1"
    evil = (b"\x80\x04" + b"\x8c\x08builtins" + b"\x8c\x04eval" + b"\x93"
            + b"\x8c" + bytes([len(source)]) + source + b"\x85" + b"R" + b".")
    write("malicious_eval.pth", make_zip([("archive/data.pkl", evil)]))


def safetensors_bytes(tensors, metadata=None):
    """Serialises as the format specifies (used when the safetensors package is absent)."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name in sorted(tensors):
        dtype, shape, data = tensors[name]
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def make_safetensors(embeds):
    gen = torch.Generator().manual_seed(7)
    mixed = {
        "weight.f32": torch.randn(3, 4, generator=gen),
        "weight.f16": torch.randn(2, 5, generator=gen).half(),
        "weight.bf16": torch.randn(6, generator=gen).bfloat16(),
        "scalar.f32": torch.tensor(2.5),
        "steps.i64": torch.arange(4, dtype=torch.int64),
    }
    # One key only: the package keeps metadata in a hash map, so several keys come out in
    # varying order and the fixture would change on every run.
    metadata = {"format": "pt"}
    try:
        from safetensors.torch import save as st_save, load as st_load
        blob = st_save(mixed, metadata=metadata)
        round_trip = st_load(blob)
        assert all(torch.equal(round_trip[k], mixed[k]) for k in mixed)
    except ImportError:
        names = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64"}
        blob = safetensors_bytes({k: (names[v.dtype], list(v.shape), tensor_bytes(v)) for k, v in mixed.items()},
                                 metadata)
    write("mixed.safetensors", blob)
    expected = {k: {"dtype": {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
                              torch.int64: "I64"}[v.dtype],
                    "shape": list(v.shape), "values": values(v)}
                for k, v in mixed.items()}
    with open(os.path.join(OUT, "mixed_expected.json"), "w") as f:
        json.dump({"metadata": metadata, "tensors": expected}, f)
    by_hand = safetensors_bytes({k: ("F16", list(v.shape), tensor_bytes(v)) for k, v in embeds.items()})
    write("embeddings.safetensors", by_hand)


def tensor_bytes(tensor):
    t = tensor.contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().tobytes()
    return t.numpy().tobytes()


def make_npy():
    rng = np.random.default_rng(11)
    f32 = rng.standard_normal((2, 3, 4)).astype(np.float32)
    f16 = rng.standard_normal(5).astype(np.float16)
    np.save(os.path.join(OUT, "f32.npy"), f32)
    np.save(os.path.join(OUT, "f16.npy"), f16)
    with open(os.path.join(OUT, "f32_v2.npy"), "wb") as f:
        np.lib.format.write_array(f, f32[0], version=(2, 0))
    np.save(os.path.join(OUT, "fortran.npy"), np.asfortranarray(f32[0]))
    np.save(os.path.join(OUT, "bigendian.npy"), f32[0].astype(">f4"))
    np.save(os.path.join(OUT, "int64.npy"), np.arange(3, dtype=np.int64))
    expected = {
        "f32": {"shape": list(f32.shape), "values": [float(v) for v in f32.reshape(-1)]},
        "f16": {"shape": list(f16.shape), "values": [float(v) for v in f16.reshape(-1)]},
        "f32_v2": {"shape": list(f32[0].shape), "values": [float(v) for v in f32[0].reshape(-1)]},
    }
    with open(os.path.join(OUT, "npy_expected.json"), "w") as f:
        json.dump(expected, f)


def main():
    os.makedirs(OUT, exist_ok=True)
    pth, embeds = make_prompts()
    make_archives(pth)
    make_safetensors(embeds)
    make_npy()
    total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
    print(f"wrote {len(os.listdir(OUT))} files, {total} bytes, to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
