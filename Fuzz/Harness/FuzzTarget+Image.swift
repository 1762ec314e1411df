import Imaging
import Tensor

extension FuzzTarget {
    func runPNG(_ bytes: [UInt8]) throws {
        let image = try PNG.decode(bytes, name: "fuzz.png", channels: .asStored)
        // Every decoded image is [C, H, W] with C of 1 or 3; the converting modes rely on it.
        guard image.rank == 3, image.shape[0] == 1 || image.shape[0] == 3 else {
            fatalError("png: decoded shape \(image.shape) is not [1 or 3, H, W]")
        }
        _ = try PNG.decode(bytes, name: "fuzz.png", channels: .gray)
    }
}
