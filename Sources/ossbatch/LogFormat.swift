/// Log line format on stderr.
enum LogFormat: String, CaseIterable {
    case text
    case json
}
