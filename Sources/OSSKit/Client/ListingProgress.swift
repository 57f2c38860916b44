import OSSProtocol

/// Proof that a paged listing moves: a server (or a proxy in front of it) that ignores the marker a client
/// sends and answers "truncated, next page at M" for ever made the listing loop without end — thousands of
/// billable requests a second until the run was stopped. Each next-page marker must be one not seen before,
/// and a truncated page must list something.
struct ListingProgress {
    let operation: String
    private var seen: Set<String> = []

    init(operation: String) { self.operation = operation }

    /// Records the page just read: `next` is its next-page marker (nil: the last page), `pageEntries` what it
    /// listed, `requestID` the server's id of its request. Throws when the listing would not end.
    mutating func advance(to next: String?, pageEntries: Int, requestID: String) throws(OSSError) {
        guard let next else { return }
        guard pageEntries > 0 else {
            throw .invalidResponse(
                "\(operation): a page that lists nothing says more follow; the listing would never end",
                requestID: requestID
            )
        }
        guard seen.insert(next).inserted else {
            throw .invalidResponse(
                "\(operation): the server sent a next-page marker it had sent before; the listing would never end",
                requestID: requestID
            )
        }
    }
}
