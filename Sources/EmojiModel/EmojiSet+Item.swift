import Diffusion
extension EmojiSet {
    /// What is known about one image: its code points and its words.
    public struct Item: Sendable, Equatable {
        /// The code point sequence, upper-case hex separated by spaces ("1F436", "1F468 200D 1F33E").
        public var codepoints: String
        /// The Unicode/CLDR name in lower case ("dog face", "snow-capped mountain").
        public var caption: String
        /// CLDR annotation keywords and aliases in lower case ("dog", "pet").
        public var keywords: [String]

        /// An item from its parts.
        public init(codepoints: String = "", caption: String, keywords: [String] = []) {
            self.codepoints = codepoints
            self.caption = caption
            self.keywords = keywords
        }

        /// The emoji itself as a string, when the code points parse.
        public var character: String? {
            var scalars = String.UnicodeScalarView()
            for part in codepoints.split(separator: " ") {
                guard let value = UInt32(part, radix: 16), let scalar = Unicode.Scalar(value) else { return nil }
                scalars.append(scalar)
            }
            return scalars.isEmpty ? nil : String(scalars)
        }
    }
}
