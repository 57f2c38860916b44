/// `upload.unchanged`: what to do with a file the upload index says is already in the bucket.
package enum UnchangedPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// Upload every file (today's behaviour; no index is read or written).
    case upload
    /// Skip a file whose identity and options match the index entry of its key: no request, no read.
    case skip
    /// As `skip`, and a file uploaded before under another key (last night's dated prefix) is copied
    /// server-side from that key instead of being sent again.
    case copy
}
