import Foundation

extension T5Config {
    /// `google/t5-v1_1-xxl`'s config.json as DeepFloyd IF snapshots ship it in
    /// `text_encoder/` (the keys the encoder reads): the benchmark times it and the tests
    /// size memory decisions by it, without the weights.
    public static let t5V11XXLJSON = Data("""
    {
      "architectures": ["T5EncoderModel"], "d_ff": 10240, "d_kv": 64, "d_model": 4096,
      "dense_act_fn": "gelu_new", "dropout_rate": 0.1, "feed_forward_proj": "gated-gelu",
      "initializer_factor": 1.0, "is_encoder_decoder": true, "is_gated_act": true,
      "layer_norm_epsilon": 1e-06, "model_type": "t5", "num_decoder_layers": 24, "num_heads": 64,
      "num_layers": 24, "relative_attention_max_distance": 128, "relative_attention_num_buckets": 32,
      "tie_word_embeddings": false, "vocab_size": 32128
    }
    """.utf8)

    /// T5 v1.1 XXL's encoder, the text encoder of every DeepFloyd IF stage.
    public static func t5V11XXL() throws -> T5Config {
        try T5Config(json: t5V11XXLJSON, file: "t5-v1_1-xxl config")
    }
}
