import Tensor

extension Image {
    /// `images` tiled row by row into one image, `columns` per row.
    ///
    /// Every cell is as large as the largest image; smaller images sit centred in their cell.
    /// `padding` pixels of `background` (a gray level in [0, 1]) separate the cells and
    /// frame the whole grid. If any image is RGB, gray ones are repeated into three channels;
    /// otherwise the grid is gray. Each image must be `[1, H, W]` or `[3, H, W]`.
    public static func grid(_ images: [Tensor], columns: Int, padding: Int = 2, background: Float = 1) throws -> Tensor {
        guard !images.isEmpty else {
            throw ImagingError.invalidArgument(operation: "grid", message: "needs at least one image")
        }
        guard columns >= 1 else {
            throw ImagingError.invalidArgument(operation: "grid", message: "columns must be at least 1, got \(columns)")
        }
        guard padding >= 0 else {
            throw ImagingError.invalidArgument(operation: "grid", message: "padding must not be negative, got \(padding)")
        }
        for image in images where image.rank != 3 {
            throw ImagingError.notAnImage(operation: "grid", shape: image.shape, expected: "a [1, H, W] or [3, H, W] image")
        }
        let channels = try images.map { try $0.imageChannels("grid") }.max() ?? 1
        let tiles = try images.map { channels == 3 ? try $0.toRGB() : $0 }
        let cellHeight = tiles.map { $0.shape[1] }.max() ?? 1
        let cellWidth = tiles.map { $0.shape[2] }.max() ?? 1
        let used = Swift.min(columns, tiles.count)
        let rows = (tiles.count + columns - 1) / columns
        let width = used * cellWidth + (used + 1) * padding
        let height = rows * cellHeight + (rows + 1) * padding
        try checkCanvas(width: width, height: height, operation: "grid")

        var out = [Float](repeating: background, count: channels * height * width)  // [C, H, W]
        for (index, tile) in tiles.enumerated() {
            let (th, tw) = (tile.shape[1], tile.shape[2])
            let top = padding + (index / columns) * (cellHeight + padding) + (cellHeight - th) / 2
            let left = padding + (index % columns) * (cellWidth + padding) + (cellWidth - tw) / 2
            tile.scalars.withUnsafeBufferPointer { src in
                for c in 0..<channels {
                    for row in 0..<th {
                        let from = (c * th + row) * tw
                        let to = (c * height + top + row) * width + left
                        for column in 0..<tw { out[to + column] = src[from + column] }
                    }
                }
            }
        }
        return Tensor(shape: [channels, height, width], scalars: out)
    }
}
