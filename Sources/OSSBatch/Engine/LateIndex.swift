/// What `BatchContext.indexMadeSince()` found.
enum LateIndex: Sendable {
    case notYet
    case opened(UploadIndex)
    case givenUp

    var index: UploadIndex? {
        guard case .opened(let index) = self else { return nil }
        return index
    }
}
