import Diffusion
extension PromptMatcher {
    /// Words that say nothing about what the picture shows, ignored in prompts: articles,
    /// pronouns, prepositions and conjunctions, and words about the medium, the style or
    /// the quality of a picture ("photo", "oil painting", "lithograph", "high quality").
    /// The course's null prompt "a high quality photo" consists of these words only, so it
    /// is unconditional, as is "".
    public static let ignoredWords: Set<String> = [
        // Articles, determiners, pronouns.
        "a", "an", "the", "this", "that", "these", "those", "some", "any", "each", "every",
        "my", "your", "his", "her", "its", "our", "their", "it", "there", "who", "which",
        // Prepositions, conjunctions, verbs of being and wearing.
        "of", "in", "on", "at", "with", "without", "and", "or", "by", "for", "from", "to",
        "into", "onto", "around", "near", "over", "under", "above", "below", "behind",
        "beside", "next", "through", "as", "like", "is", "are", "be", "being", "has", "have",
        "having", "wearing", "holding",
        // The medium and the style.
        "photo", "photos", "photograph", "photography", "photographic", "photorealistic",
        "picture", "image", "painting", "painted", "paint", "drawing", "drawn", "sketch",
        "illustration", "render", "rendered", "rendering", "art", "artwork", "artistic",
        "oil", "watercolor", "watercolour", "lithograph", "engraving", "etching", "print",
        "style", "portrait", "closeup", "close", "up", "shot", "view", "digital", "canvas",
        // Quality words.
        "high", "quality", "detailed", "realistic", "beautiful", "professional", "hd", "4k",
        "8k", "dslr", "very", "best", "good", "nice",
    ]

    /// Plurals that do not end in a plain "s", mapped to their singular.
    static let irregularPlurals: [String: String] = [
        "men": "man", "women": "woman", "children": "child", "people": "person",
        "mice": "mouse", "geese": "goose", "teeth": "tooth", "feet": "foot",
        "wolves": "wolf", "leaves": "leaf", "knives": "knife", "elves": "elf",
        "potatoes": "potato", "tomatoes": "tomato", "mangoes": "mango",
    ]

    /// The lower-case words of `text`: runs of letters and digits; apostrophes are dropped
    /// ("worker's" is "workers"); every other character separates words ("snow-capped" is
    /// "snow" and "capped"); single letters are dropped.
    public static func words(in text: String) -> [String] {
        var words = [String](), current = ""
        func flush() {
            if current.count > 1 || current.first?.isNumber == true { words.append(current) }
            current = ""
        }
        for character in text.lowercased() {
            if character == "'" || character == "\u{2019}" { continue }
            if character.isLetter || character.isNumber {
                current.append(character)
            } else {
                flush()
            }
        }
        flush()
        return words
    }

    /// `word` and the singular forms it may be the plural or adjective of: "waterfalls" ->
    /// "waterfall"; "puppies" -> "puppy"; "boxes" -> "box"; "cookies" -> "cookie";
    /// "snowy" -> "snow"; "men" -> "man". Both prompt and caption words go through this,
    /// and two words match when their forms meet, so a wrong guess ("boxes" -> "boxe")
    /// only adds a form nothing else has. Words of three letters or fewer are left alone
    /// ("bus", "gas").
    public static func forms(of word: String) -> [String] {
        var forms = [word]
        if let singular = irregularPlurals[word] { forms.append(singular) }
        guard word.count > 3 else { return forms }
        if word.hasSuffix("ies") {
            forms.append(String(word.dropLast(3)) + "y")
        }
        if word.hasSuffix("es") {
            forms.append(String(word.dropLast(2)))
        }
        if word.hasSuffix("s") && !word.hasSuffix("ss") && !word.hasSuffix("us") && !word.hasSuffix("is") {
            forms.append(String(word.dropLast()))
        }
        if word.hasSuffix("y") && word.count > 4 {
            forms.append(String(word.dropLast()))
        }
        return forms
    }
}
