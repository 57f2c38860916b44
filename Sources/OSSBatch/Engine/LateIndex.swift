/// What `BatchContext.indexMadeSince()` found.
enum LateIndex: Sendable {
    case notYet
    case opened(UploadIndex)
    /// Given up (`IndexCondemnation`): the mark held while the run goes on, when it could be made.
    case givenUp(IndexCondemnation.Hold?)

    var index: UploadIndex? {
        guard case .opened(let index) = self else { return nil }
        return index
    }
}
