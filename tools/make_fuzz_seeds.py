#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into Fuzz/corpus/<target>/.

Seeds are copies of the project's own examples (notebooks, cell scripts, weight and PNG
fixtures) plus small hand-made damaged variants, so the fuzzers start from both sides of
every check. Re-run after changing a fixture: python3 tools/make_fuzz_seeds.py
"""
import pathlib
import shutil
import struct
import zipfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "Fuzz" / "corpus"


def target(name):
    folder = CORPUS / name
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


def notebook_seeds():
    out = target("notebook")
    for path in sorted((ROOT / "Notebooks").glob("*.md")):
        shutil.copy(path, out / path.name)
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
    for path in sorted((ROOT / "Tests" / "ScriptTests" / "Scripts").glob("*.swift")):
        shutil.copy(path, out / path.name)


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
    for path in sorted(fixtures.glob("*.pth")):
        shutil.copy(path, out / path.name)


def png_seeds():
    out = target("png")
    fixtures = ROOT / "Tests" / "ImagingTests" / "Fixtures" / "png"
    for path in sorted(fixtures.glob("*.png")):
        shutil.copy(path, out / path.name)
    rgb8 = (fixtures / "rgb8.png").read_bytes()
    (out / "truncated.png").write_bytes(rgb8[: len(rgb8) // 2])
    damaged = bytearray(rgb8)
    damaged[40] ^= 0xFF  # inside IHDR or the first data chunk: a CRC mismatch
    (out / "bad_crc.png").write_bytes(bytes(damaged))
    (out / "signature_only.png").write_bytes(rgb8[:8])


if __name__ == "__main__":
    for make in [notebook_seeds, script_seeds, safetensors_seeds, pickle_seeds, checkpoint_seeds, png_seeds]:
        make()
    for folder in sorted(CORPUS.iterdir()):
        print(f"{folder.name}: {len(list(folder.iterdir()))} seeds")
