import Foundation
import Diffusion
import Pipeline
import Script
import Tensor
import XCTest
@testable import Bindings

/// The diffusion built-ins: value ranges, the timesteps a call takes, view names, and the
/// errors for bad arguments.
final class DiffusionBuiltinTests: BindingsTestCase {
    func testImagesAreDisplayRangeAndTheModelSeesModelRange() throws {
        // A mid-gray image is 0.5 in a cell and 0 for the model; one-step denoising with an
        // estimate of x/2 at t gives x0 = (x - sqrt(1 - abar) x/2) / sqrt(abar), which is 0
        // for x = 0, i.e. 0.5 again in the cell.
        let values = try run("""
        let gray = rectangleMask(size: 64, x: 0, y: 0, width: 64, height: 64).rgb() * 0.5
        let x0 = oneStepDenoise(gray, t: 500)
        """)
        let x0 = try image(values, "x0")
        XCTAssertEqual(x0.tensor.shape, [3, 64, 64])
        for v in x0.tensor.scalars { XCTAssertEqual(v, 0.5, accuracy: 1e-6) }
        XCTAssertEqual(denoiser.calls.all, [[500]])
    }

    func testStepsCountsGiveThatManyModelCallsFrom990To0() throws {
        for steps in [1, 2, 33, 100, 500, 990] {
            let session = self.session()
            let before = denoiser.calls.all.count
            try run("let s = sample(count: 1, steps: \(steps))", in: session)
            let calls = denoiser.calls.all.dropFirst(before).map { $0[0] }
            XCTAssertEqual(calls.count, steps, "steps: \(steps)")
            XCTAssertEqual(calls.first, 990, "steps: \(steps) starts at 990")
            XCTAssertEqual(calls, NoiseSchedule.timesteps(steps: steps).dropLast().map { $0 }, "steps: \(steps)")
        }
    }

    func testStrideGivesTheCoursesTimesteps() throws {
        try run("let x = iterativeDenoise(rectangleMask(size: 64, x: 0, y: 0, width: 8, height: 8).rgb(), iStart: 30)")
        XCTAssertEqual(denoiser.calls.all.map { $0[0] }, [90, 60, 30])
    }

    func testViewNamesComeFromTheViewTable() throws {
        for view in ImageView.allCases {
            XCTAssertEqual(try NotebookLibrary.view(named: view.rawValue, Param.string("views")), view)
        }
        XCTAssertThrowsError(try NotebookLibrary.view(named: "rotate45", Param.string("views"))) { error in
            let failure = error as? BuiltinFailure
            XCTAssertEqual(failure?.message, "unknown view 'rotate45'")
            XCTAssertEqual(failure?.notes.first, "did you mean 'rotate90'?")
            XCTAssertEqual(failure?.notes.last, "views: " + ImageView.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let message = failure(#"let a = visualAnagram(prompts: ["a", "b"], views: ["identity", "flop"])"#)
        XCTAssertTrue(message.contains("unknown view 'flop'"), message)
    }

    func testArgumentErrorsNameTheArgument() throws {
        let cases: [(String, String)] = [
            ("let s = sample(steps: 0)", "steps must be in 1...990, got 0"),
            ("let s = sample(steps: 991)", "steps must be in 1...990, got 991"),
            ("let s = sample(count: 17)", "count must be in 1...16, got 17"),
            ("let s = sampleCFG(guidance: 1000)", "guidance must be a finite number of at most 100 in size, got 1000.0"),
            ("let x = iterativeDenoise(rectangleMask(size: 64, x: 0, y: 0, width: 8, height: 8).rgb(), iStart: 33)",
             "iStart = 33 is out of range: it indexes the 33 steps from t = 990 to 0, so it must be in 0...32"),
            ("let x = oneStepDenoise(rectangleMask(size: 32, x: 0, y: 0, width: 8, height: 8).rgb(), t: 10)",
             "the model works on 64x64 images, got 32x32; use .resized(to: 64)"),
            ("let x = forward(rectangleMask(size: 64, x: 0, y: 0, width: 8, height: 8).rgb(), t: 1000)",
             "t = 1000 is out of range 0...999"),
            ("let h = hybridImage(low: \"a\", high: \"b\", split: \"diagonal\")", "split must be \"frequency\" or \"color\", got \"diagonal\""),
        ]
        for (source, expected) in cases {
            let message = failure(source)
            XCTAssertTrue(message.contains(expected), "\(source): \(message)")
        }
    }

    func testForwardUsesTheChosenSchedule() throws {
        // The same cell gives the same image whether or not the model was loaded before it:
        // the schedule comes from the model choice, not from whatever was loaded. The test
        // model's schedule is linear, unlike DeepFloyd's cosine one, so reading the wrong
        // schedule would show.
        let betas = (0..<1000).map { 1e-4 + (0.02 - 1e-4) * Double($0) / 999 }
        let linear = ScaledDenoiser(schedule: NoiseSchedule(betas: betas), displayName: "linear test denoiser", identity: "linear/v1")
        let choice = ModelChoice(displayName: "linear test denoiser",
                                 components: [ModelComponent(role: "stage I", identity: "linear/v1")],
                                 schedule: linear.schedule, load: { LoadedModel(denoiser: linear) })
        let cell = "let n = forward(rectangleMask(size: 8, x: 0, y: 0, width: 4, height: 4).rgb(), t: 500)"
        let fresh = try image(try run(cell, in: session(model: choice)), "n")
        let warm = session(model: choice)
        try run("let name = modelName()", in: warm)
        warm.beginCell()
        let afterLoad = try image(try run(cell, in: warm), "n")
        XCTAssertEqual(fresh.tensor, afterLoad.tensor)
        let cosine = try image(try run(cell, in: session()), "n")
        XCTAssertNotEqual(fresh.tensor, cosine.tensor, "the linear schedule's ᾱ_500 is not the cosine one's")
        let alphaBar = try run("let a = alphaBar(500)", in: session(model: choice))["a"]
        if case let .double(value)? = alphaBar {
            XCTAssertEqual(value, Double(linear.schedule.alphasCumprod[500]))
        } else {
            XCTFail("alphaBar gave \(String(describing: alphaBar))")
        }
    }

    func testBuiltinsDeclareTheHostStateTheyRead() {
        let library = NotebookLibrary.make(session: session())
        for name in ["oneStepDenoise", "iterativeDenoise", "iterativeDenoiseCFG", "sample", "sampleCFG", "sdedit",
                     "inpaint", "visualAnagram", "hybridImage", "modelName"] {
            XCTAssertTrue(library.hostState(readByCalling: [name]).contains(HostState.model.rawValue), name)
        }
        for name in ["forward", "alphaBar"] {
            XCTAssertEqual(library.hostState(readByCalling: [name]), [HostState.schedule.rawValue], name)
        }
        for name in ["loadImage", "show", "gaussianBlur", "rectangleMask", "print", "min"] {
            XCTAssertEqual(library.hostState(readByCalling: [name]), [], name)
        }
    }
}

/// `print` as in Swift: several values, a separator.
final class PrintTests: BindingsTestCase {
    func testPrintTakesSeveralValuesAndASeparator() throws {
        let session = self.session()
        try run(#"print(1, "two", 3.5)"# + "\n" + #"print("a", "b", separator: ", ")"# + "\nprint()", in: session)
        let texts = session.endCell().outputs.compactMap { output -> String? in
            if case let .text(text) = output { return text }
            return nil
        }
        XCTAssertEqual(texts, ["1 two 3.5", "a, b", ""])
    }
}

/// `plot` turns numbers into a chart, and bad data into errors that name it.
final class PlotTests: BindingsTestCase {
    func testAPlotIsAChartOutput() throws {
        let session = self.session()
        try run(#"plot([[1, 4, 9], [2, 3, 5]], x: [1, 2, 3], labels: ["a", "b"], title: "T", yScale: "log", markers: [2])"#, in: session)
        let charts = session.endCell().outputs.compactMap { output -> String? in
            if case let .chart(chart, _) = output { return "\(chart.kind.rawValue) \(chart.series.count) \(chart.series[1].y) \(chart.yScale.rawValue) \(chart.markers.count)" }
            return nil
        }
        XCTAssertEqual(charts, ["line 2 [2.0, 3.0, 5.0] log 1"])
    }

    func testBadDataIsRefusedClearly() {
        XCTAssertTrue(failure("plot([1, 2, 3], x: [1, 2])").contains("x has 2 values but y has 3; they need one x per y"))
        // The error points at the call in its cell (line 2 here), as every cell error does.
        let located = failure("let ys = [1, 2, 3]\nplot(ys, x: [1, 2])")
        XCTAssertTrue(located.hasPrefix("2:1:") || located.contains(":2:1:"), located)
        XCTAssertTrue(failure(#"plot([1, 0], yScale: "log")"#).contains("a log y axis needs positive values"))
        XCTAssertTrue(failure("plot([1, 1e300])").contains("larger than 1e15 in size"))
        XCTAssertTrue(failure("plot([1, sqrt(-1)])").contains("must be a finite number"))
        XCTAssertTrue(failure(#"plot([1, 2], kind: "pie")"#).contains(#"kind must be "line", "scatter", "bar"; got "pie""#))
        XCTAssertTrue(failure(#"plot([[1, 2], [3]], labels: ["one"])"#).contains("2 series but 1 labels"))
    }
}

/// `mse`, `psnr`, `mean` and `std` on images whose answers are known in closed form.
final class MeasureTests: BindingsTestCase {
    func testMeasuresOnFlatImagesInBothRanges() throws {
        let values = try run("""
        let dark = rectangleMask(size: 8, x: 0, y: 0, width: 8, height: 8).rgb() * 0.25
        let light = rectangleMask(size: 8, x: 0, y: 0, width: 8, height: 8).rgb() * 0.75
        let half = rectangleMask(size: 8, x: 0, y: 0, width: 8, height: 4).rgb()
        let same = mse(dark, dark)
        let apart = mse(dark, light)
        let db = psnr(dark, light)
        let identical = psnr(dark, dark)
        let modelApart = mse(dark.toModelRange(), light.toModelRange())
        let modelDB = psnr(dark.toModelRange(), light.toModelRange())
        let flatStd = dark.std()
        let halfMean = half.mean()
        let halfStd = half.std()
        """)
        XCTAssertEqual(try number(values, "same"), 0)
        XCTAssertEqual(try number(values, "apart"), 0.25, accuracy: 1e-7)
        // 10 log10(1 / 0.25) with peak 1; the model range doubles both the peak and the
        // difference, so the ratio and the dB stay the same.
        XCTAssertEqual(try number(values, "db"), 10 * log10(4.0), accuracy: 1e-6)
        XCTAssertEqual(try number(values, "identical"), .infinity)
        XCTAssertEqual(try number(values, "modelApart"), 1, accuracy: 1e-6)
        XCTAssertEqual(try number(values, "modelDB"), 10 * log10(4.0), accuracy: 1e-6)
        XCTAssertEqual(try number(values, "flatStd"), 0, accuracy: 1e-7)
        XCTAssertEqual(try number(values, "halfMean"), 0.5, accuracy: 1e-7)
        XCTAssertEqual(try number(values, "halfStd"), 0.5, accuracy: 1e-7)
    }

    /// On images whose pixels all differ (numbered noise), each measure against the same sum
    /// taken here in Double from the raw values: a measure that read one channel, skipped
    /// pixels or clipped would pass the flat images above.
    func testMeasuresOnNoisyImagesAgreeWithTheirDefinitions() throws {
        let values = try run("""
        let a = gaussianNoise(size: 8, seed: 1).toDisplayRange()
        let b = (gaussianNoise(size: 8, seed: 2) * 0.3).toDisplayRange()
        let e = mse(a, b)
        let db = psnr(a, b)
        let biggest = maxDifference(a, b)
        let m = a.mean()
        let s = a.std()
        let low = a.min()
        let high = a.max()
        """)
        let x = try image(values, "a").tensor.scalars.map(Double.init), y = try image(values, "b").tensor.scalars.map(Double.init)
        XCTAssertEqual(x.count, 3 * 8 * 8)
        let squares = zip(x, y).map { ($0 - $1) * ($0 - $1) }
        let mse = squares.reduce(0, +) / Double(x.count)
        let mean = x.reduce(0, +) / Double(x.count)
        let variance = x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(x.count)
        // Relative 1e-6: the built-ins sum in Float32 over 192 values.
        XCTAssertEqual(try number(values, "e"), mse, accuracy: 1e-6 * mse)
        XCTAssertEqual(try number(values, "db"), 10 * log10(1 / mse), accuracy: 1e-5)
        XCTAssertEqual(try number(values, "biggest"), zip(x, y).map { abs($0 - $1) }.max() ?? 0, accuracy: 1e-7)
        XCTAssertEqual(try number(values, "m"), mean, accuracy: 1e-6)
        XCTAssertEqual(try number(values, "s"), variance.squareRoot(), accuracy: 1e-6)
        XCTAssertEqual(try number(values, "low"), x.min() ?? 0, accuracy: 0)
        XCTAssertEqual(try number(values, "high"), x.max() ?? 0, accuracy: 0)
        XCTAssertLessThan(try number(values, "low"), 0, "numbered noise leaves [0, 1]: the measures read raw values")
    }

    func testMixedRangesAndSizesAreRefused() {
        let mask = "rectangleMask(size: 8, x: 0, y: 0, width: 8, height: 8).rgb()"
        XCTAssertTrue(failure("let e = mse(\(mask), \(mask).toModelRange())").contains("one image is in the model range and the other in the display range"))
        XCTAssertTrue(failure("let e = psnr(\(mask), rectangleMask(size: 16, x: 0, y: 0, width: 8, height: 8).rgb())").contains("they need one size"))
    }
}

/// What a diffusion built-in assumed is said under the cell (and, through the runner, in the
/// terminal): a defaulted prompt, and a prompt the model cannot read.
final class PromptNoteTests: BindingsTestCase {
    private func notes(_ session: NotebookSession) -> [String] {
        session.endCell().outputs.compactMap { output -> String? in
            if case let .text(text) = output, text.hasPrefix("note: ") { return text }
            return nil
        }
    }

    func testADefaultedPromptIsNamedOncePerCell() throws {
        let session = self.session()
        try run("let a = sample(count: 1, steps: 2)\nlet b = sample(count: 1, steps: 2)", in: session)
        XCTAssertEqual(notes(session), ["note: sample: no prompt: given, so the course's default \"a high quality photo\" was used"])
        let named = self.session()
        try run(#"let c = sample(count: 1, prompt: "a cat", steps: 2)"#, in: named)
        XCTAssertEqual(notes(named), [], "a given prompt needs no note")
    }

    func testAPromptTheModelCannotReadIsNamed() throws {
        let denoiser = self.denoiser
        let choice = ModelChoice(displayName: denoiser.displayName,
                                 components: [ModelComponent(role: "stage I", identity: denoiser.identity)],
                                 schedule: denoiser.schedule,
                                 load: { LoadedModel(denoiser: denoiser, promptNote: { $0.contains("zebra") ? "no caption has 'zebra'" : nil }) })
        let session = self.session(model: choice)
        try run(#"let z = sample(count: 1, prompt: "a zebra", steps: 2)"# + "\n" + #"let c = sample(count: 1, prompt: "a cat", steps: 2)"#, in: session)
        XCTAssertEqual(notes(session), ["note: no caption has 'zebra'"])
    }
}

/// Issue-24 honesty: measures propagate NaN, masks are weights, the seed a call used is the
/// seed its image records, and a figure shown clipped says so.
final class HonestFigureTests: BindingsTestCase {
    func testEveryMeasurePropagatesNaN() throws {
        // A non-flat image with one NaN column (0/0 in column 5), against a zero image: a fold
        // with Swift.max would skip the NaN unless it came first.
        let values = try run("""
        let ramp = rectangleMask(size: 8, x: 0, y: 0, width: 4, height: 8).rgb() * 0.5 + rectangleMask(size: 8, x: 2, y: 2, width: 4, height: 4).rgb() * 0.25
        let hole = rectangleMask(size: 8, x: 5, y: 0, width: 1, height: 8).rgb()
        let broken = ramp + hole * 0 / (hole * 0 + (rectangleMask(size: 8, x: 0, y: 0, width: 8, height: 8).rgb() - hole))
        let zero = ramp * 0
        let d = maxDifference(broken, zero)
        let e = mse(broken, zero)
        let p = psnr(broken, zero)
        let m = broken.mean()
        let s = broken.std()
        let lo = broken.min()
        let hi = broken.max()
        let fine = maxDifference(ramp, zero)
        """)
        for name in ["d", "e", "p", "m", "s", "lo", "hi"] {
            let value = try number(values, name)
            XCTAssertTrue(value.isNaN, "\(name) = \(value)")
        }
        XCTAssertEqual(try number(values, "fine"), 0.75, accuracy: 1e-7, "a finite image still measures its largest value")
    }

    func testTensorReductionsPropagateNaNWherever() {
        for position in [0, 3, 7] {
            var values = [Float](repeating: 0.5, count: 8)
            values[1] = -2
            values[position] = .nan
            let t = Tensor(shape: [8], scalars: values)
            XCTAssertTrue(t.max().isNaN, "max with NaN at \(position)")
            XCTAssertTrue(t.min().isNaN, "min with NaN at \(position)")
            XCTAssertTrue(t.maxAbs().isNaN, "maxAbs with NaN at \(position)")
            XCTAssertTrue(t.maxAbsDifference(Tensor(zeros: [8])).isNaN, "maxAbsDifference with NaN at \(position)")
        }
        XCTAssertEqual(Tensor(shape: [3], scalars: [0.5, -2, 1]).maxAbs(), 2)
    }

    func testMasksCombineWithEitherRangeAndAreNeverConverted() throws {
        let values = try run("""
        let mask = rectangleMask(size: 8, x: 0, y: 0, width: 4, height: 8)
        let x = gaussianNoise(like: rectangleMask(size: 8, x: 0, y: 0, width: 8, height: 8).rgb().toModelRange(), seed: 1)
        let known = rectangleMask(size: 8, x: 0, y: 0, width: 8, height: 8).rgb().toModelRange() * 0.5
        let mixed = mask * x + (1 - mask) * known
        let picture = rectangleMask(size: 8, x: 0, y: 0, width: 8, height: 8).rgb() * 0.3
        let shown = mask * picture + (1 - mask) * 0.9
        """)
        let mixed = try image(values, "mixed"), shown = try image(values, "shown")
        XCTAssertTrue(mixed.isModelRange, "a mask times a model-range value is in the model range")
        XCTAssertFalse(mixed.isWeight)
        XCTAssertFalse(shown.isModelRange)
        // Column 6 is outside the mask: the known value 0.5 survives unchanged there.
        XCTAssertEqual(mixed.tensor.scalars[6], 0.5, accuracy: 1e-7)
        let refused = failure("let m = rectangleMask(size: 8, x: 0, y: 0, width: 4, height: 8).toModelRange()")
        XCTAssertTrue(refused.contains("this is a mask"), refused)
        let mixing = failure("let m = rectangleMask(size: 8, x: 0, y: 0, width: 8, height: 8).rgb() + gaussianNoise(like: rectangleMask(size: 8, x: 0, y: 0, width: 8, height: 8).rgb().toModelRange(), seed: 1)")
        XCTAssertTrue(mixing.contains("a mask needs no converting"), mixing)
    }

    func testACallsOwnSeedIsTheSeedItsImageRecords() throws {
        let values = try run("""
        let own = sample(count: 1, prompt: "a cat", steps: 2, seed: 5)
        let stream = sample(count: 1, prompt: "a cat", steps: 2)
        let noisy = forward(rectangleMask(size: 64, x: 0, y: 0, width: 8, height: 8).rgb(), t: 500, seed: 9)
        """)
        XCTAssertEqual(try image(values, "own").provenance.fields["seed"], "5")
        XCTAssertEqual(try image(values, "own").provenance.fields["noise"], "seed: argument")
        XCTAssertEqual(try image(values, "stream").provenance.fields["seed"], "7", "the notebook's seed")
        XCTAssertEqual(try image(values, "stream").provenance.fields["noise"], "notebook stream")
        XCTAssertEqual(try image(values, "noisy").provenance.fields["seed"], "9")
    }

    func testAFigureShownClippedSaysSo() throws {
        let session = self.session()
        try run("""
        let bright = rectangleMask(size: 4, x: 0, y: 0, width: 2, height: 4).rgb() * 1.5 - 0.25
        show(bright, caption: "bright")
        show(bright * 0 + 0.5, caption: "flat")
        show(bright * 0 / 0, caption: "empty")
        """, in: session)
        let figures = session.endCell().outputs.compactMap { output -> [ShownImage]? in
            if case let .figure(_, _, images) = output { return images }
            return nil
        }.flatMap { $0 }
        XCTAssertEqual(figures.map(\.displayNote), ["values in [-0.25, 1.25], shown clipped", nil, "holds NaN or infinite values (shown as 0)"])
    }
}

/// A figure made by a loop written in a cell names the function and the built-ins it called.
final class CellFunctionProvenanceTests: BindingsTestCase {
    func testAnImageReturnedByACellFunctionNamesItAndItsCalls() throws {
        let values = try run("""
        func step(_ x: Image, t: Int) -> Image {
            let (noise, variance) = noiseEstimate(x, t: t, prompt: "a cat")
            return addVariance(predictX0(x, noise: noise, t: t), variance: variance, t: t, previous: 0, noise: gaussianNoise(like: x, seed: 1))
        }
        func loop(_ image: Image) -> Image {
            return step(image.toModelRange(), t: 30).toDisplayRange()
        }
        let out = loop(rectangleMask(size: 64, x: 0, y: 0, width: 8, height: 8).rgb())
        func labelled(_ image: Image, prompt: String, steps: [Int], scale: Double) -> Image {
            return image
        }
        let again = labelled(out, prompt: "a cat wearing a very tall hat in the snowy mountains", steps: [1, 2, 3, 4, 5], scale: 2.5)
        """)
        // The call with its argument values, so two rows made by one function with different
        // arguments say what differs.
        XCTAssertEqual(try image(values, "out").provenance.operation,
                       "loop(Image), a cell function calling noiseEstimate, predictX0, gaussianNoise, addVariance")
        XCTAssertEqual(try image(values, "again").provenance.operation,
                       "labelled(Image, prompt: \"a cat wearing a very tall hat in the sn…\", steps: [5 values], scale: 2.5), a cell function")
    }
}

/// The numeric functions work elementwise on images too.
final class ElementwiseImageTests: BindingsTestCase {
    func testNumericFunctionsOnImages() throws {
        let values = try run("""
        let x = rectangleMask(size: 4, x: 0, y: 0, width: 2, height: 4).rgb().toModelRange()
        let a = abs(x)
        let p = pow(x * 0 + 2, 3)
        let s = sqrt(x * 0 + 9)
        let n = abs(-2.5)
        """)
        XCTAssertEqual(Set(try image(values, "a").tensor.scalars), [1])
        XCTAssertTrue(try image(values, "a").isModelRange)
        XCTAssertEqual(Set(try image(values, "p").tensor.scalars), [8])
        XCTAssertEqual(Set(try image(values, "s").tensor.scalars), [3])
        guard case .double(2.5)? = values["n"] else { return XCTFail("abs of a number: \(String(describing: values["n"]))") }
    }
}
