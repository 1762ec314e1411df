import Imaging
import JSON
import Notebook
import Preview
import Script
import SentencePiece
import Weights

/// One untrusted-input entry point of noisebook exercised by a libFuzzer binary
/// (`Fuzz/<target>/main.swift`) and by the regression tests, which replay saved inputs.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// `NotebookParser.parse(bytes:path:vocabulary:)` on a Markdown notebook.
    case notebook
    /// `Parser.parse` on cell source, then the interpreter on a step budget.
    case script
    /// `SafetensorsFile(path:)` on a whole file, then every tensor read back.
    case safetensors
    /// The restricted pickle machine behind `TorchCheckpoint.read`, fed a `data.pkl` stream
    /// that the harness wraps in a valid stored zip (so mutations reach the pickle, not the CRC).
    case pickle
    /// `TorchCheckpoint.read` on a whole `.pth` zip archive.
    case checkpoint
    /// `PNG.decode(_:name:channels:)` on PNG bytes.
    case png
    /// `HTTPRequestParser.parse` on what a client sends the preview server.
    case http
    /// `SentencePieceModel(bytes:file:)` on a `spiece.model`, then a few prompts tokenized.
    case spiece
    /// `ShardedCheckpoint(path:)` on a `*.index.json` beside two fixed shards, then every
    /// listed tensor read.
    case shardindex
    /// `NPYFile.read` on a `.npy` file.
    case npy
    /// `UNetConfig`, `T5Config` and `NoiseSchedule(schedulerConfig:)` on one `config.json`.
    case config

    /// Feeds `bytes` to the entry point. Returns normally for input it accepts and throws the
    /// module's own error for input it refuses; anything else (a trap, a leak of another
    /// error type) is a bug.
    public func run(_ bytes: [UInt8]) throws {
        switch self {
        case .notebook: try runNotebook(bytes)
        case .script: try runScript(bytes)
        case .safetensors: try runSafetensors(bytes)
        case .pickle: try runPickle(bytes)
        case .checkpoint: try runCheckpoint(bytes)
        case .png: try runPNG(bytes)
        case .http: runHTTP(bytes)
        case .spiece: try runSentencePiece(bytes)
        case .shardindex: try runShardIndex(bytes)
        case .npy: try runNPY(bytes)
        case .config: try runConfig(bytes)
        }
    }

    /// Whether `error` is one this entry point is documented to throw for bad input.
    public func isExpected(_ error: any Error) -> Bool {
        switch self {
        case .notebook: return error is NotebookError
        case .script: return error is ScriptError
        case .safetensors, .pickle, .checkpoint, .shardindex, .npy: return error is WeightsError
        case .png: return error is ImagingError
        case .http: return false
        case .spiece: return error is SentencePieceError
        case .config: return error is ConfigError
        }
    }

    /// The libFuzzer body: runs `bytes` and stops the process on an error of the wrong type,
    /// so the fuzzer records that input like a crash.
    public func fuzz(_ bytes: [UInt8]) {
        do {
            try run(bytes)
        } catch where isExpected(error) {
            return
        } catch {
            fatalError("\(rawValue): unexpected error type \(type(of: error)): \(error)")
        }
    }
}
