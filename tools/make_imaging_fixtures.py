#!/usr/bin/python3
"""Reference fixtures for Tests/ImagingTests.

Run from the repository root with /usr/bin/python3 (torch 1.13, torchvision 0.14):

    /usr/bin/python3 tools/make_imaging_fixtures.py

Writes into Tests/ImagingTests/Fixtures/:
  * numeric/*.npy  float32 inputs and torchvision outputs (gaussian_blur, antialiased and
                   plain bilinear resize, rgb_to_grayscale, center_crop) plus manifest.json;
  * png/*.png      PNG files of every colour type and bit depth, written by hand with zlib so
                   the expected values do not depend on any PNG library, plus png/*.npy with
                   the expected decoded [3, H, W] image (alpha composited over white) and
                   png/manifest.json;
  * broken/*       a truncated PNG, a PNG with a damaged IDAT checksum, a PNG whose header
                   claims a huge size, and the first bytes of a JPEG file.
Everything is deterministic (fixed seeds, no timestamps).
"""
import json
import os
import struct
import zlib

import numpy as np
import torch
import torchvision.transforms.functional as TF

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "ImagingTests", "Fixtures")


def save_npy(folder, name, array):
    os.makedirs(folder, exist_ok=True)
    np.save(os.path.join(folder, name), np.ascontiguousarray(array, dtype="<f4"))
    return name


# ---------------------------------------------------------------- numeric parity with torchvision

def numeric():
    folder = os.path.join(ROOT, "numeric")
    gen = torch.Generator().manual_seed(5)
    inputs = {
        "a_3x64x64": torch.rand(3, 64, 64, generator=gen),
        "b_3x20x24": torch.rand(3, 20, 24, generator=gen),
        "c_1x17x11": torch.rand(1, 17, 11, generator=gen),
    }
    for name, t in inputs.items():
        save_npy(folder, name + ".npy", t.numpy())

    blur = []
    blur_rejected = []
    blur_cases = [
        ("a_3x64x64", 33, 2.0),   # the course's low-pass filter
        ("b_3x20x24", 3, 0.8),
        ("b_3x20x24", 5, 1.5),
        ("b_3x20x24", 9, 3.0),
        ("b_3x20x24", 21, 4.0),   # larger than half the image: reflect padding of 10 < 20
        ("b_3x20x24", 33, 2.0),   # padding 16 still below both extents
        ("b_3x20x24", 41, 5.0),   # padding 20 == height: torchvision rejects it
        ("c_1x17x11", 7, 1.0),
        ("c_1x17x11", 23, 0.5),   # padding 11 == width: rejected
    ]
    for src, k, sigma in blur_cases:
        try:
            out = TF.gaussian_blur(inputs[src], [k, k], [sigma, sigma])
        except RuntimeError as error:
            blur_rejected.append({"input": src + ".npy", "kernelSize": k, "sigma": sigma,
                                  "torchvisionError": str(error).splitlines()[0]})
            continue
        name = save_npy(folder, f"blur_{src}_k{k}_s{sigma}.npy", out.numpy())
        blur.append({"input": src + ".npy", "kernelSize": k, "sigma": sigma, "output": name})

    resize = []
    resize_cases = [
        ("a_3x64x64", 27, 23, True),   # down by non-integer factors (2.37, 2.78)
        ("a_3x64x64", 32, 32, True),   # down by exactly 2
        ("a_3x64x64", 64, 64, True),   # same size: identity
        ("b_3x20x24", 37, 50, True),   # up by non-integer factors
        ("b_3x20x24", 13, 7, True),    # down
        ("b_3x20x24", 30, 10, True),   # up in height, down in width
        ("c_1x17x11", 5, 29, True),
        ("b_3x20x24", 37, 50, False),  # plain bilinear
        ("b_3x20x24", 13, 7, False),
    ]
    for src, h, w, aa in resize_cases:
        out = TF.resize(inputs[src], [h, w], interpolation=TF.InterpolationMode.BILINEAR, antialias=aa)
        name = save_npy(folder, f"resize_{src}_{h}x{w}_{'aa' if aa else 'plain'}.npy", out.numpy())
        resize.append({"input": src + ".npy", "height": h, "width": w, "antialias": aa, "output": name})

    gray = []
    for src in ["a_3x64x64", "b_3x20x24"]:
        out = TF.rgb_to_grayscale(inputs[src], num_output_channels=1)
        name = save_npy(folder, f"gray_{src}.npy", out.numpy())
        gray.append({"input": src + ".npy", "output": name})

    crop = []
    for src, h, w in [("b_3x20x24", 7, 9), ("b_3x20x24", 20, 20), ("c_1x17x11", 4, 6)]:
        out = TF.center_crop(inputs[src], [h, w])
        name = save_npy(folder, f"crop_{src}_{h}x{w}.npy", out.numpy())
        crop.append({"input": src + ".npy", "height": h, "width": w, "output": name})

    manifest = {"generator": "tools/make_imaging_fixtures.py",
                "torch": torch.__version__,
                "blur": blur, "blurRejected": blur_rejected, "resize": resize,
                "grayscale": gray, "centerCrop": crop}
    with open(os.path.join(folder, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)


# ---------------------------------------------------------------- PNG files written by hand

def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def pack_row(samples, bit_depth):
    """One scanline's samples (already interleaved) as bytes, big-endian, packed below 8 bits."""
    samples = [int(s) for s in samples]
    if bit_depth == 16:
        return b"".join(struct.pack(">H", s) for s in samples)
    if bit_depth == 8:
        return bytes(samples)
    per_byte = 8 // bit_depth
    out = bytearray()
    for i in range(0, len(samples), per_byte):
        group = samples[i:i + per_byte]
        byte = 0
        for j in range(per_byte):
            value = group[j] if j < len(group) else 0
            byte |= value << (8 - bit_depth * (j + 1))
        out.append(byte)
    return bytes(out)


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def scanlines(samples, bit_depth, interlaced):
    """samples: [H, W, N] integer array. Returns the filtered (filter type 0) image data."""
    h, w, n = samples.shape
    raw = bytearray()
    if not interlaced:
        for y in range(h):
            raw += b"\x00" + pack_row(samples[y].reshape(-1), bit_depth)
        return bytes(raw)
    for x0, y0, dx, dy in ADAM7:
        sub = samples[y0::dy, x0::dx]
        if sub.shape[0] == 0 or sub.shape[1] == 0:
            continue
        for y in range(sub.shape[0]):
            raw += b"\x00" + pack_row(sub[y].reshape(-1), bit_depth)
    return bytes(raw)


def png_bytes(samples, bit_depth, color_type, palette=None, trns=None, interlaced=False, extra=b""):
    h, w, _ = samples.shape
    out = b"\x89PNG\r\n\x1a\n"
    out += chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, bit_depth, color_type, 0, 0, 1 if interlaced else 0))
    out += extra
    if palette is not None:
        out += chunk(b"PLTE", bytes(np.asarray(palette, dtype=np.uint8).reshape(-1)))
    if trns is not None:
        out += chunk(b"tRNS", trns)
    out += chunk(b"IDAT", zlib.compress(scanlines(samples, bit_depth, interlaced), 9))
    out += chunk(b"IEND", b"")
    return out


def over_white(rgb, alpha):
    """Straight alpha composited over white, computed in float64."""
    return rgb * alpha + (1.0 - alpha)


def pngs():
    folder = os.path.join(ROOT, "png")
    os.makedirs(folder, exist_ok=True)
    rng = np.random.RandomState(7)
    h, w = 5, 7
    cases = []

    def emit(name, data, expected, description):
        with open(os.path.join(folder, name + ".png"), "wb") as f:
            f.write(data)
        save_npy(folder, name + ".npy", expected.transpose(2, 0, 1))
        cases.append({"file": name + ".png", "expected": name + ".npy", "description": description})

    def gray3(g):
        return np.repeat(g[:, :, None], 3, axis=2)

    # Gray, 1/2/4/8/16 bit.
    for depth in [1, 2, 4, 8, 16]:
        top = (1 << depth) - 1
        g = rng.randint(0, top + 1, size=(h, w, 1))
        emit(f"gray{depth}", png_bytes(g, depth, 0), gray3(g[:, :, 0] / top), f"{depth}-bit gray")

    # Gray + alpha, 8 and 16 bit.
    for depth in [8, 16]:
        top = (1 << depth) - 1
        ga = rng.randint(0, top + 1, size=(h, w, 2))
        expected = over_white(gray3(ga[:, :, 0] / top), ga[:, :, 1:2] / top)
        emit(f"gray_alpha{depth}", png_bytes(ga, depth, 4), expected, f"{depth}-bit gray + alpha")

    # RGB and RGBA, 8 and 16 bit.
    for depth in [8, 16]:
        top = (1 << depth) - 1
        rgb = rng.randint(0, top + 1, size=(h, w, 3))
        emit(f"rgb{depth}", png_bytes(rgb, depth, 2), rgb / top, f"{depth}-bit RGB")
        rgba = rng.randint(0, top + 1, size=(h, w, 4))
        rgba[0, 0, 3] = 0      # fully transparent: pure white
        rgba[0, 1, 3] = top    # fully opaque: the colour itself
        expected = over_white(rgba[:, :, :3] / top, rgba[:, :, 3:4] / top)
        emit(f"rgba{depth}", png_bytes(rgba, depth, 6), expected, f"{depth}-bit RGBA")

    # Palette without and with tRNS, 8-bit and 4-bit indices.
    palette = rng.randint(0, 256, size=(12, 3))
    idx = rng.randint(0, 12, size=(h, w, 1))
    emit("palette8", png_bytes(idx, 8, 3, palette=palette), palette[idx[:, :, 0]] / 255.0, "8-bit palette")
    alphas = rng.randint(0, 256, size=9)  # entries 9..11 stay opaque
    alphas[0] = 0
    idx[0, 0, 0] = 0
    full_alpha = np.concatenate([alphas, [255, 255, 255]]) / 255.0
    expected = over_white(palette[idx[:, :, 0]] / 255.0, full_alpha[idx[:, :, 0]][:, :, None])
    emit("palette8_trns", png_bytes(idx, 8, 3, palette=palette, trns=bytes(alphas.astype(np.uint8))),
         expected, "8-bit palette with tRNS")
    idx4 = rng.randint(0, 12, size=(h, w, 1))
    emit("palette4_trns", png_bytes(idx4, 4, 3, palette=palette, trns=bytes(alphas.astype(np.uint8))),
         over_white(palette[idx4[:, :, 0]] / 255.0, full_alpha[idx4[:, :, 0]][:, :, None]),
         "4-bit palette with tRNS")

    # Interlaced (Adam7) RGB and 16-bit gray, larger than one 8x8 block in each direction.
    rgb = rng.randint(0, 256, size=(11, 13, 3))
    emit("rgb8_interlaced", png_bytes(rgb, 8, 2, interlaced=True), rgb / 255.0, "8-bit RGB, Adam7 interlaced")
    g = rng.randint(0, 65536, size=(9, 10, 1))
    emit("gray16_interlaced", png_bytes(g, 16, 0, interlaced=True), gray3(g[:, :, 0] / 65535.0),
         "16-bit gray, Adam7 interlaced")

    # Gamma and colour-space chunks must not change the stored values.
    gama = chunk(b"gAMA", struct.pack(">I", 100000))  # gamma 1.0
    srgb = chunk(b"sRGB", b"\x00")
    rgb = rng.randint(0, 256, size=(h, w, 3))
    emit("rgb8_gamma", png_bytes(rgb, 8, 2, extra=gama), rgb / 255.0, "8-bit RGB with gAMA 1.0")
    rgb16 = rng.randint(0, 65536, size=(h, w, 3))
    emit("rgb16_srgb", png_bytes(rgb16, 16, 2, extra=srgb), rgb16 / 65535.0, "16-bit RGB with an sRGB chunk")

    with open(os.path.join(folder, "manifest.json"), "w") as f:
        json.dump({"generator": "tools/make_imaging_fixtures.py", "cases": cases}, f, indent=1)


def broken():
    folder = os.path.join(ROOT, "broken")
    os.makedirs(folder, exist_ok=True)
    rng = np.random.RandomState(11)
    rgb = rng.randint(0, 256, size=(16, 16, 3))
    good = png_bytes(rgb, 8, 2)
    with open(os.path.join(folder, "truncated.png"), "wb") as f:
        f.write(good[: len(good) // 2])
    damaged = bytearray(good)
    idat = damaged.index(b"IDAT")
    damaged[idat + 4 + 10] ^= 0xFF  # a byte inside the compressed data; the CRC no longer matches
    with open(os.path.join(folder, "bad_crc.png"), "wb") as f:
        f.write(bytes(damaged))
    # A valid header claiming 100000 x 100000 pixels followed by a tiny IDAT.
    huge = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0))
    huge += chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + chunk(b"IEND", b"")
    with open(os.path.join(folder, "huge_header.png"), "wb") as f:
        f.write(huge)
    # The first bytes of a JFIF file: SOI, APP0 with the JFIF identifier.
    jpeg = bytes([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10]) + b"JFIF\x00" + bytes([1, 1, 0, 0, 1, 0, 1, 0, 0])
    with open(os.path.join(folder, "photo.jpg"), "wb") as f:
        f.write(jpeg)


if __name__ == "__main__":
    numeric()
    pngs()
    broken()
