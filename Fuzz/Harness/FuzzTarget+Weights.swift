import Weights

extension FuzzTarget {
    /// Storages the pickle target's archive provides as `archive/data/<key>`, in bytes; the
    /// sizes of the course's `prompt_embeds_dict.pth` fixture, so its `data.pkl` (a seed)
    /// reads through to tensors.
    static let pickleStorageBytes: [Int] = [1_232, 2_464, 1_232]

    func runSafetensors(_ bytes: [UInt8]) throws {
        try ScratchFile.withFile(holding: bytes, suffix: "safetensors") { path in
            let file = try SafetensorsFile(path: path)
            for name in file.names {
                let entry = try file.entry(name)
                if entry.dtype.isWidenable {
                    _ = try file.tensor(named: name)
                }
                if entry.dtype == .f16 {
                    _ = try file.halfStorage(named: name)
                }
            }
        }
    }

    func runPickle(_ bytes: [UInt8]) throws {
        var archive = StoredZip()
        archive.add("archive/data.pkl", bytes)
        archive.add("archive/byteorder", Array("little".utf8))
        for (key, count) in Self.pickleStorageBytes.enumerated() {
            // Arbitrary but fixed contents: every bit pattern a half or float may take.
            archive.add("archive/data/\(key)", (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ key) })
        }
        try ScratchFile.withFile(holding: archive.bytes(), suffix: "pth") { path in
            _ = try TorchCheckpoint.read(path)
        }
    }

    func runCheckpoint(_ bytes: [UInt8]) throws {
        try ScratchFile.withFile(holding: bytes, suffix: "pth") { path in
            _ = try TorchCheckpoint.read(path)
        }
    }
}
