import Foundation
import Tensor
import TestSupport
import Weights

/// Two small random T5 encoders and the refusal cases, written by tools/make_t5_fixtures.py
/// (transformers' T5EncoderModel): t5-a (fp32, sharded safetensors), t5-b (fp16, sharded
/// torch .bin), t5-b-whole (t5-b as one torch.save of its state_dict()).
let Fixtures = FixtureFolder(bundle: .module, script: "tools/make_t5_fixtures.py")

/// A model fixture's inputs.json.
struct FixtureInputs: Decodable {
    let input_ids: [[Int]]
    let attention_mask: [[Int]]
    /// The shape of last_hidden_state, [B, L, d_model].
    let shape: [Int]
    /// The largest |value| of last_hidden_state.
    let max_abs: Float
}

/// A model fixture's buckets.json: transformers' buckets for relative positions -300...300.
struct FixtureBuckets: Decodable {
    let num_buckets: Int
    let max_distance: Int
    let relative_positions: [Int]
    let buckets: [Int]
    let unidirectional_buckets: [Int]
}

/// Every tensor of a fixture checkpoint folder, widened to Float32.
func fixtureTensors(_ folder: String) throws -> [String: Tensor] {
    let checkpoint = try ShardedCheckpoint(folder: try Fixtures.path(folder))
    return Dictionary(uniqueKeysWithValues: try checkpoint.names.map { ($0, try checkpoint.tensor(named: $0)) })
}
