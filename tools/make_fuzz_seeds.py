#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into Fuzz/corpus/<target>/.

Seeds are copies of the project's own examples (notebooks, cell scripts, weight and PNG
fixtures) plus small hand-made damaged variants, so the fuzzers start from both sides of
every check. Re-run after changing a fixture: python3 tools/make_fuzz_seeds.py [TARGET...]
"""
import json
import pathlib
import shutil
import struct
import sys
import zipfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "Fuzz" / "corpus"


def target(name):
    folder = CORPUS / name
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


def copy_fixtures(out, folder, pattern):
    """Copies the files of `folder` that match `pattern` into the corpus folder `out`."""
    for path in sorted(folder.glob(pattern)):
        shutil.copy(path, out / path.name)


def notebook_seeds():
    out = target("notebook")
    copy_fixtures(out, ROOT / "Notebooks", "*.md")
    made = {
        "unclosed_fence.md": b"# Title\n\n```swift\nlet x = 1\n",
        "unclosed_front_matter.md": b"---\ntitle: t\nseed: 3\n# no closing line\n",
        "bad_front_matter.md": b"---\ntitle: [unclosed\nsteps: twelve\n---\ntext\n",
        "non_utf8.md": b"# caf\xe9\n\n```swift\nlet s = \"\xff\"\n```\n",
        "bom_tilde_indent.md": b"\xef\xbb\xbf---\ntitle: \"Q\"\nparameters:\n  t: 0.5\n---\n"
                                b"  ~~~~swift\n  let a = 1\n  ~~~~\n\n````python\n```swift\n````\n",
        "nested_fences.md": b"````markdown\n```swift\nlet hidden = 1\n```\n````\n```swift title\nlet b = 2\n```\n",
        "empty.md": b"",
    }
    for name, data in made.items():
        (out / name).write_bytes(data)


def script_seeds():
    out = target("script")
    copy_fixtures(out, ROOT / "Tests" / "ScriptTests" / "Scripts", "*.swift")


def safetensors_seeds():
    out = target("safetensors")
    fixtures = ROOT / "Tests" / "WeightsTests" / "Fixtures"
    for name in ["embeddings.safetensors", "mixed.safetensors"]:
        shutil.copy(fixtures / name, out / name)
    mixed = (fixtures / "mixed.safetensors").read_bytes()
    (out / "truncated.safetensors").write_bytes(mixed[: len(mixed) - 7])

    def file(header, data=b""):
        return struct.pack("<Q", len(header)) + header + data

    (out / "huge_length.safetensors").write_bytes(struct.pack("<Q", 1 << 62) + b"{}")
    (out / "lying_shape.safetensors").write_bytes(
        file(b'{"w":{"dtype":"F32","shape":[1000000000,1000000000],"data_offsets":[0,8]}}', b"\0" * 8))
    (out / "overlap.safetensors").write_bytes(
        file(b'{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},'
             b'"b":{"dtype":"F16","shape":[2],"data_offsets":[2,6]}}', b"\0" * 6))
    (out / "metadata.safetensors").write_bytes(
        file(b'{"__metadata__":{"format":"pt"},"x":{"dtype":"BF16","shape":[],"data_offsets":[0,2]}}', b"\x80\x3f"))


def pickle_seeds():
    out = target("pickle")
    fixtures = ROOT / "Tests" / "WeightsTests" / "Fixtures"
    for name in ["prompts.pth", "prompts_p4.pth", "malicious_eval.pth", "malicious_system.pth"]:
        with zipfile.ZipFile(fixtures / name) as archive:
            member = next(n for n in archive.namelist() if n.endswith("data.pkl"))
            (out / (name[:-4] + ".pkl")).write_bytes(archive.read(member))
    # Hand-made streams: an empty dict, a tuple nest, a memo miss, a truncated argument.
    (out / "empty_dict.pkl").write_bytes(b"\x80\x02}q\x00.")
    (out / "tuples.pkl").write_bytes(b"\x80\x02" + b"(" * 40 + b"t" * 40 + b".")
    (out / "memo_miss.pkl").write_bytes(b"\x80\x02h\x07.")
    (out / "short_unicode.pkl").write_bytes(b"\x80\x02X\xff\xff\x00\x00ab.")


def checkpoint_seeds():
    out = target("checkpoint")
    fixtures = ROOT / "Tests" / "WeightsTests" / "Fixtures"
    copy_fixtures(out, fixtures, "*.pth")


def png_seeds():
    out = target("png")
    fixtures = ROOT / "Tests" / "ImagingTests" / "Fixtures" / "png"
    copy_fixtures(out, fixtures, "*.png")
    rgb8 = (fixtures / "rgb8.png").read_bytes()
    (out / "truncated.png").write_bytes(rgb8[: len(rgb8) // 2])
    damaged = bytearray(rgb8)
    damaged[40] ^= 0xFF  # inside IHDR or the first data chunk: a CRC mismatch
    (out / "bad_crc.png").write_bytes(bytes(damaged))
    (out / "signature_only.png").write_bytes(rgb8[:8])


def spiece_seeds():
    out = target("spiece")
    fixtures = ROOT / "Tests" / "SentencePieceTests" / "Fixtures"
    for name in ["rules.model", "user.model"]:
        shutil.copy(fixtures / name, out / name)
    rules = (fixtures / "rules.model").read_bytes()
    (out / "truncated.model").write_bytes(rules[: len(rules) // 3])
    # Field 1 (pieces), wire type 2, with a length far past the end of the input.
    (out / "huge_length.model").write_bytes(b"\x0a\xff\xff\xff\xff\x0f" + rules[6:64])


def shardindex_seeds():
    # The harness puts two shards beside the index: a and b in the first, c in the second.
    out = target("shardindex")
    first, second = "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"

    def index(weight_map):
        return json.dumps({"metadata": {"total_size": 20}, "weight_map": weight_map}, indent=2).encode()

    (out / "valid.json").write_bytes(index({"a": first, "b": first, "c": second}))
    (out / "missing_shard.json").write_bytes(index({"a": first, "b": first, "c": "model-00003-of-00003.safetensors"}))
    (out / "wrong_shard.json").write_bytes(index({"a": second, "b": first, "c": second}))
    (out / "unlisted_tensor.json").write_bytes(index({"a": first, "c": second}))
    (out / "path_in_name.json").write_bytes(index({"a": "../" + first, "b": first, "c": second}))
    (out / "not_a_map.json").write_bytes(b'{"weight_map": ["a", "b"]}')


def npy_seeds():
    out = target("npy")
    fixtures = ROOT / "Tests" / "WeightsTests" / "Fixtures"
    copy_fixtures(out, fixtures, "*.npy")
    f32 = (fixtures / "f32.npy").read_bytes()
    (out / "truncated.npy").write_bytes(f32[: len(f32) - 5])
    header = b"{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }"
    header += b" " * (63 - (10 + len(header)) % 64) + b"\n"
    (out / "huge_shape.npy").write_bytes(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header)


def config_seeds():
    out = target("config")
    shutil.copy(ROOT / "Models" / "trained" / "unet" / "config.json", out / "unet.json")
    shutil.copy(ROOT / "Tests" / "T5Tests" / "Fixtures" / "t5-a" / "config.json", out / "t5.json")
    shutil.copy(ROOT / "Models" / "trained" / "scheduler" / "scheduler_config.json", out / "scheduler.json")
    (out / "huge_timesteps.json").write_bytes(b'{"num_train_timesteps": 4000000000000, "beta_schedule": "linear"}')
    (out / "not_json.json").write_bytes(b'{"block_out_channels": [32, 64,')


MAKERS = {"notebook": notebook_seeds, "script": script_seeds, "safetensors": safetensors_seeds,
          "pickle": pickle_seeds, "checkpoint": checkpoint_seeds, "png": png_seeds,
          "spiece": spiece_seeds, "shardindex": shardindex_seeds, "npy": npy_seeds, "config": config_seeds}


if __name__ == "__main__":
    # python3 tools/make_fuzz_seeds.py [TARGET...]: every target's seeds, or only those named.
    for name in sys.argv[1:] or list(MAKERS):
        MAKERS[name]()
    for folder in sorted(CORPUS.iterdir()):
        print(f"{folder.name}: {len(list(folder.iterdir()))} seeds")
