/// A state file (report, journal line, checkpoint) that parses as JSON but does not hold what its format
/// says: a missing field, an index out of its table, a part plan that does not fit the file.
struct FormatError: Error, Sendable, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }

    /// A decoding error in a few words: what is wrong, and where (`jobs[3].size`).
    static func describing(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return path.isEmpty ? "" : " at \(path.hasPrefix(".") ? String(path.dropFirst()) : path)"
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing field '\(key.stringValue)'\(path(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(context.debugDescription)\(path(context))"
        case .dataCorrupted(let context):
            let underlying = context.underlyingError.map { " (\($0))" } ?? ""
            return "\(context.debugDescription)\(path(context))\(underlying)"
        @unknown default: return "\(error)"
        }
    }
}
