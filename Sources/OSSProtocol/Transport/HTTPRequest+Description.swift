extension HTTPRequest: CustomStringConvertible, CustomDebugStringConvertible {
    /// Headers that carry credentials; their values never appear in descriptions or logs.
    static let sensitiveHeaders: Set<String> = [
        "authorization", "x-oss-security-token", "proxy-authorization", "cookie",
    ]

    /// `PUT http://…/key [Content-Type: text/plain, Authorization: <redacted>] body 1024 B`.
    public var description: String {
        let shown = headers.map { header in
            HTTPRequest.sensitiveHeaders.contains(header.name.lowercased())
                ? "\(header.name): <redacted>" : "\(header.name): \(header.value)"
        }
        return "\(method) \(url) [\(shown.joined(separator: ", "))] body \(body.length) B"
    }

    public var debugDescription: String { description }
}
