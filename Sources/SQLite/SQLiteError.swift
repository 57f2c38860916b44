/// A failed SQLite call: its result code and message.
public struct SQLiteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The (extended) result code, e.g. 11 `SQLITE_CORRUPT`, 26 `SQLITE_NOTADB`.
    public var code: Int32
    public var message: String

    public init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "SQLite error \(code): \(message)" }

    /// Whether the file is damaged or not a database at all (the caller may rebuild it).
    public var isCorruption: Bool { code & 0xFF == 11 || code & 0xFF == 26 }

    /// Whether another connection holds a lock this one waited for in vain (`SQLITE_BUSY`, `SQLITE_LOCKED`):
    /// the file is in use, not damaged.
    public var isBusy: Bool { code & 0xFF == 5 || code & 0xFF == 6 }
}
