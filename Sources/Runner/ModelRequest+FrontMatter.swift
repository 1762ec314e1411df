import Foundation
import Notebook
import Pipeline

extension ModelRequest {
    /// What a notebook's front matter asks for, its paths made absolute against the
    /// notebook's folder. The parser has already checked the model and precision names
    /// against `NotebookVocabulary.catalog`.
    init(frontMatter: FrontMatter, notebookFolder: String) {
        func absolute(_ path: String) -> String {
            path.hasPrefix("/") ? path : URL(fileURLWithPath: notebookFolder).appendingPathComponent(path).standardizedFileURL.path
        }
        self.init(model: frontMatter.model, weights: frontMatter.weights.map(absolute),
                  weights2: frontMatter.weights2.map(absolute), embeddings: frontMatter.embeddings.map(absolute),
                  precision: frontMatter.precision.flatMap(Precision.init(rawValue:)), notebookFolder: notebookFolder)
    }
}
