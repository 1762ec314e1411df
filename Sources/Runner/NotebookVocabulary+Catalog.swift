import Notebook
import Pipeline

extension NotebookVocabulary {
    /// The model catalog's names and messages, which every notebook is parsed against.
    public static let catalog = NotebookVocabulary(modelProblem: { ModelCatalog.problem(model: $0) },
                                                   precisionProblem: { Precision.problem($0) },
                                                   blockModels: ModelCatalog.blockNames)
}
