/// `run --verify-remote`: whether the objects the upload index vouches for are checked on the server before
/// they are skipped as unchanged.
package enum RemoteVerification: String, Sendable, Hashable, Codable, CaseIterable {
    /// The index is trusted: an object removed or replaced behind ossbatch's back is not noticed.
    case none
    /// List the prefix (1,000 keys a request) and upload again every unchanged file whose object is missing
    /// or has another size or ETag.
    case list
}
