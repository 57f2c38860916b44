/// How the placeholders in a plan's keys were resolved: the moment and the time zone used, and every
/// `key` and `key_prefix` that holds a placeholder, as written and as resolved. `ossbatch plan` shows it;
/// a report keeps it (`key_resolution`), so that `status` can tell whether a later night planned the same keys.
package struct KeyResolution: Sendable, Hashable, Codable {
    package struct Field: Sendable, Hashable, Codable {
        /// `files[N].key` or `files[N].key_prefix`.
        package var path: String
        package var written: String
        package var resolved: String

        package init(path: String, written: String, resolved: String) {
            (self.path, self.written, self.resolved) = (path, written, resolved)
        }
    }

    /// The moment placeholders stand for, ISO 8601 in UTC (`2026-12-02T03:00:00.000Z`).
    package var time: String
    /// The zone `{date}` and `{time}` were formatted in (`timezone:`, default `UTC`).
    package var timeZone: String
    package var fields: [Field]

    package init(time: String, timeZone: String, fields: [Field]) {
        (self.time, self.timeZone, self.fields) = (time, timeZone, fields)
    }

    private enum CodingKeys: String, CodingKey {
        case time
        case timeZone = "time_zone"
        case fields
    }
}
