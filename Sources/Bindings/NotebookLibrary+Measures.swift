import Foundation
import Script
import Tensor

/// Measures experiments report, on two images of one shape and range.
extension NotebookLibrary {
    /// The two images a measure compares.
    static let measured = (a: Param.image("a", label: .unlabeled), b: Param.image("b", label: .unlabeled))

    static func addMeasureFunctions(to library: inout Library) {
        let (a, b) = measured
        library.add(function("mse", [a, b],
                             "The mean squared difference of two images (0 when equal; at most 1 in the display range, 4 in the model range).") { arguments in
            .double(try meanSquaredError(arguments))
        })
        library.add(function("psnr", [a, b],
                             "The peak signal-to-noise ratio in dB, 10 log10(peak² / mse) with peak 1 (2 in the model range); infinite for equal images, about 20-40 dB for visibly similar ones.") { arguments in
            let (x, y) = try comparable(arguments)
            let peak = try arguments[a].isModelRange ? 2.0 : 1.0
            return .double(x.psnr(y, peak: peak))
        })
        library.add(function("maxDifference", [a, b],
                             "The largest absolute difference between two images' values (0 when equal bit for bit; NaN when either holds NaN).") { arguments in
            let (x, y) = try comparable(arguments)
            return .double(Double(x.maxAbsDifference(y)))
        })
    }

    /// The two image arguments, checked to be comparable.
    static func comparable(_ arguments: Arguments) throws -> (Tensor, Tensor) {
        let a = try arguments[measured.a], b = try arguments[measured.b]
        guard a.tensor.shape == b.tensor.shape else {
            throw failure("the images are \(ImageValue.sizeText(a.tensor.shape)) and \(ImageValue.sizeText(b.tensor.shape)); they need one size", measured.b)
        }
        guard a.isModelRange == b.isModelRange else {
            throw failure("one image is in the model range and the other in the display range; convert one first", measured.b)
        }
        return (a.tensor, b.tensor)
    }

    static func meanSquaredError(_ arguments: Arguments) throws -> Double {
        let (a, b) = try comparable(arguments)
        return a.meanSquaredDifference(b)
    }
}
