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
        .target(name: "Digest"),
        .target(name: "TextDistance"),
        .target(name: "AtomicWrite"),
        .target(name: "Tensor", dependencies: ["COpenBLAS"]),
        .target(name: "Imaging", dependencies: ["Tensor", "CPNG", "AtomicWrite"]),
        .target(name: "Weights", dependencies: ["Tensor", "TextDistance", "AtomicWrite"]),
        .target(name: "Diffusion", dependencies: ["Tensor", "Imaging"]),
        .target(name: "Notebook", dependencies: ["TextDistance"]),
        .target(name: "Script", dependencies: ["TextDistance"]),
        .target(name: "Bindings", dependencies: ["Script", "Diffusion", "Imaging", "Weights", "Tensor"]),
        .target(name: "Report", dependencies: ["Notebook"]),
        .target(name: "Runner", dependencies: ["Notebook", "Script", "Bindings", "Report", "Digest", "Imaging", "Tensor", "AtomicWrite"]),
        .executableTarget(name: "noisebook", dependencies: ["Runner", "Tensor", "Weights", "Diffusion", "TextDistance"]),
        // The libFuzzer entry points' shared logic (tools/fuzz.sh builds the fuzzers from it).
        .target(name: "FuzzHarness", dependencies: ["Notebook", "Script", "Weights", "Imaging", "Tensor"], path: "Fuzz/Harness"),
        // `make bench`: UNet forward timings against PyTorch (see tools/bench/).
        .executableTarget(name: "Bench", dependencies: ["Diffusion", "Tensor", "Weights", "Imaging"]),

        // Tests mirror Sources.
        .testTarget(name: "DigestTests", dependencies: ["Digest"]),
        .testTarget(name: "TextDistanceTests", dependencies: ["TextDistance"]),
        .testTarget(name: "AtomicWriteTests", dependencies: ["AtomicWrite"]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor"]),
        .testTarget(name: "WeightsTests", dependencies: ["Weights", "Tensor"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DiffusionTests", dependencies: ["Diffusion", "Tensor"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "Tensor"], resources: [.copy("Fixtures")]),
        .testTarget(name: "NotebookTests", dependencies: ["Notebook"]),
        .testTarget(name: "ScriptTests", dependencies: ["Script"], resources: [.copy("Scripts")]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Notebook"], resources: [.copy("Golden")]),
        .testTarget(name: "RunnerTests", dependencies: ["Runner", "Notebook", "Report", "Bindings"]),
        .testTarget(name: "RobustnessTests", dependencies: ["Runner", "Bindings", "Notebook", "Digest"], exclude: ["Corpus"]),
        .testTarget(name: "FuzzRegressionTests", dependencies: ["FuzzHarness"]),
        .testTarget(name: "noisebookTests", dependencies: ["Weights", "Tensor"]),
    ],
    swiftLanguageModes: [.v6]
)
