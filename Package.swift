// swift-tools-version:6.0
// noisebook: literate diffusion-model experiments. No package dependencies; system
// libraries libpng and OpenBLAS only.
import PackageDescription

let package = Package(
    name: "noisebook",
    products: [
        .executable(name: "noisebook", targets: ["noisebook"]),
    ],
    targets: [
        // System-library shims.
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG",
                       providers: [.apt(["libpng-dev"])]),

        // Layers, lowest first; dependencies point down only.
        // What a problem looks like to users, and the exit status it ends a command with.
        .target(name: "Diagnostics"),
        .target(name: "Digest"),
        .target(name: "TextDistance"),
        .target(name: "AtomicWrite"),
        .target(name: "JSON", dependencies: ["Diagnostics"]),
        // Charts as data: series, scales, validation and nice ticks (Report draws them).
        .target(name: "Charts"),
        // noisebook's own bfloat16 GEMM (AVX512-BF16 and a portable kernel); C, no dependencies.
        .target(name: "CBFloat16"),
        // noisebook's own Float32 GEMM for weight products (AVX-512, AVX2, portable); C, no dependencies.
        .target(name: "CSGEMM"),
        // noisebook's own elementwise kernels: attention's column softmax, the normalisation's
        // affine map and activation (AVX-512, AVX2, portable); C, no dependencies.
        .target(name: "CVector", exclude: ["kernels.inc"]),
        .target(name: "Tensor", dependencies: ["Diagnostics", "COpenBLAS", "CBFloat16", "CSGEMM", "CVector"]),
        .target(name: "Imaging", dependencies: ["Diagnostics", "Tensor", "CPNG", "AtomicWrite"]),
        .target(name: "Weights", dependencies: ["Diagnostics", "Tensor", "TextDistance", "AtomicWrite", "JSON"]),
        // The layer library: parameters, strict loading, linear/conv/norm layers.
        .target(name: "NN", dependencies: ["Diagnostics", "Tensor"]),
        // The sampling algorithms against the Denoiser seam; no model lives here.
        .target(name: "Diffusion", dependencies: ["Diagnostics", "Tensor", "Imaging", "JSON"]),
        // DeepFloyd IF's networks, built from config.json on the layer library.
        .target(name: "DeepFloyd", dependencies: ["NN", "Diffusion", "Tensor", "JSON"]),
        // T5's SentencePiece unigram tokenizer, read from `spiece.model`.
        .target(name: "SentencePiece", dependencies: ["Diagnostics"]),
        // The T5 v1.1 text encoder (`T5EncoderModel`), built from config.json on the layer library.
        .target(name: "T5", dependencies: ["Diagnostics", "NN", "Tensor", "JSON"]),
        // The built-in closed-form emoji model.
        .target(name: "EmojiModel", dependencies: ["Diffusion", "Tensor", "JSON"]),
        // Finds and assembles a model's components; used by the CLI, the runner and the bench.
        .target(name: "Pipeline", dependencies: ["Diagnostics", "DeepFloyd", "T5", "SentencePiece", "NN", "EmojiModel", "Diffusion", "Weights", "Imaging", "Digest", "Tensor", "TextDistance", "JSON"]),
        .target(name: "Notebook", dependencies: ["Diagnostics", "TextDistance"]),
        .target(name: "Script", dependencies: ["Diagnostics", "TextDistance"]),
        .target(name: "Bindings", dependencies: ["Script", "JSON", "Pipeline", "EmojiModel", "Diffusion", "Imaging", "Tensor", "Digest", "TextDistance", "Charts"]),
        .target(name: "Report", dependencies: ["Charts"]),
        // `noisebook preview`: a loopback HTTP server with live reload over Server-Sent Events.
        .target(name: "Preview", dependencies: ["Diagnostics", "JSON"]),
        // Slurm's client commands: job arrays submitted, watched and cancelled.
        .target(name: "Slurm", dependencies: ["Diagnostics"]),
        .target(name: "Runner", dependencies: ["Diagnostics", "Notebook", "JSON", "Script", "Bindings", "Pipeline", "Diffusion", "Report", "Charts", "Digest", "Imaging", "AtomicWrite"]),
        .executableTarget(name: "noisebook", dependencies: ["AtomicWrite", "Diagnostics", "Runner", "Slurm", "Preview", "Pipeline", "Notebook", "Digest", "EmojiModel", "Tensor", "Weights", "Diffusion", "TextDistance", "JSON"]),
        // The libFuzzer entry points' shared logic (tools/fuzz.sh builds the fuzzers from it).
        .target(name: "FuzzHarness", dependencies: ["Notebook", "Script", "Weights", "Imaging", "Tensor", "Preview", "SentencePiece", "DeepFloyd", "T5", "Diffusion", "JSON"], path: "Fuzz/Harness"),
        // `make bench`: UNet forward timings against PyTorch (see tools/bench/).
        .executableTarget(name: "Bench", dependencies: ["DeepFloyd", "T5", "NN", "EmojiModel", "Pipeline", "Runner", "Diffusion", "Tensor", "Weights", "Imaging"]),

        // Tests mirror Sources; TestSupport holds what several test targets share.
        .target(name: "TestSupport", dependencies: ["Tensor", "Diffusion"], path: "Tests/TestSupport"),
        .testTarget(name: "DigestTests", dependencies: ["Digest"]),
        .testTarget(name: "TextDistanceTests", dependencies: ["TextDistance"]),
        .testTarget(name: "AtomicWriteTests", dependencies: ["AtomicWrite"]),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "ChartsTests", dependencies: ["Charts"]),
        .testTarget(name: "DiagnosticsTests", dependencies: ["Diagnostics"]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "TestSupport"]),
        .testTarget(name: "WeightsTests", dependencies: ["Weights", "Tensor", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "NNTests", dependencies: ["NN", "Tensor"]),
        .testTarget(name: "DiffusionTests", dependencies: ["Diffusion", "Tensor", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DeepFloydTests", dependencies: ["DeepFloyd", "NN", "Diffusion", "Weights", "Tensor", "Imaging", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SentencePieceTests", dependencies: ["Diagnostics", "SentencePiece", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "T5Tests", dependencies: ["T5", "NN", "Weights", "Tensor", "JSON", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "EmojiModelTests", dependencies: ["EmojiModel", "Diffusion", "Tensor"]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "Tensor", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "NotebookTests", dependencies: ["Notebook", "Runner", "TextDistance"]),
        .testTarget(name: "ScriptTests", dependencies: ["Script"], exclude: ["Golden"], resources: [.copy("Scripts")]),
        .testTarget(name: "BindingsTests", dependencies: ["Bindings", "Pipeline", "Script", "Diffusion", "Imaging", "Tensor", "TestSupport"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Weights", "EmojiModel", "Diffusion", "Digest", "Tensor", "TestSupport"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Diffusion", "Charts"], resources: [.copy("Golden")]),
        .testTarget(name: "PreviewTests", dependencies: ["Preview"]),
        .testTarget(name: "SlurmTests", dependencies: ["Slurm"], exclude: ["Fixtures"]),
        .testTarget(name: "RunnerTests", dependencies: ["AtomicWrite", "Diagnostics", "Runner", "Bindings", "Pipeline", "Diffusion", "Tensor"]),
        .testTarget(name: "RobustnessTests", dependencies: ["TestSupport"], exclude: ["Corpus"]),
        .testTarget(name: "FuzzRegressionTests", dependencies: ["FuzzHarness"]),
        .testTarget(name: "noisebookTests", dependencies: ["DeepFloyd", "Weights", "Tensor", "Diffusion", "Imaging", "TestSupport"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
