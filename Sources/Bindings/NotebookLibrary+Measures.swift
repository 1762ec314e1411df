import Foundation
import Script
import Tensor

/// Measures experiments report, on two images of one shape and range.
extension NotebookLibrary {
    static func addMeasureFunctions(to library: inout Library) {
        library.add(function("mse", [(nil, "a", nil), (nil, "b", nil)],
                             "The mean squared difference of two images (0 when equal; at most 1 in the display range, 4 in the model range).") { arguments in
            .double(try meanSquaredError(arguments))
        })
        library.add(function("psnr", [(nil, "a", nil), (nil, "b", nil)],
                             "The peak signal-to-noise ratio in dB, 10 log10(peak² / mse) with peak 1 (2 in the model range); infinite for equal images, about 20-40 dB for visibly similar ones.") { arguments in
            let (a, b) = try comparable(arguments)
            let peak = try NotebookLibrary.image(arguments, "a").isModelRange ? 2.0 : 1.0
            return .double(a.psnr(b, peak: peak))
        })
        library.add(function("maxDifference", [(nil, "a", nil), (nil, "b", nil)],
                             "The largest absolute difference between two images' values (0 when equal bit for bit; NaN when either holds NaN).") { arguments in
            let (a, b) = try comparable(arguments)
            return .double(Double(a.maxAbsDifference(b)))
        })
    }

    /// The two image arguments, checked to be comparable.
    static func comparable(_ arguments: Arguments) throws -> (Tensor, Tensor) {
        let a = try image(arguments, "a"), b = try image(arguments, "b")
        guard a.tensor.shape == b.tensor.shape else {
            throw failure("the images are \(ImageValue.sizeText(a.tensor.shape)) and \(ImageValue.sizeText(b.tensor.shape)); they need one size", "b")
        }
        guard a.isModelRange == b.isModelRange else {
            throw failure("one image is in the model range and the other in the display range; convert one first", "b")
        }
        return (a.tensor, b.tensor)
    }

    static func meanSquaredError(_ arguments: Arguments) throws -> Double {
        let (a, b) = try comparable(arguments)
        return a.meanSquaredDifference(b)
    }
}
