/// How the placeholders in a plan's keys were resolved: the moment and the time zone used, and every
/// `key` and `key_prefix` that holds a placeholder, as written and as resolved. `ossbatch plan` shows it.
public struct KeyResolution: Sendable, Hashable, Codable {
    public struct Field: Sendable, Hashable, Codable {
        /// `files[N].key` or `files[N].key_prefix`.
        public var path: String
        public var written: String
        public var resolved: String
    }

    /// The moment placeholders stand for, ISO 8601 in UTC (`2026-12-02T03:00:00.000Z`).
    public var time: String
    /// The zone `{date}` and `{time}` were formatted in (`timezone:`, default `UTC`).
    public var timeZone: String
    public var fields: [Field]
}
