import CSQLite

/// One connection to a SQLite database file: the system libsqlite3 behind a few calls (open, execute,
/// prepare, transactions). Not thread-safe: its owner serialises access (one connection, one user at a time).
///
/// The system library rather than GRDB.swift: ossbatch needs a handful of statements on one table, and the
/// C library adds no build time and about nothing to the binary (it is shared, and already on every
/// Debian/Ubuntu machine), where GRDB's 100-odd source files would add minutes to a cold build.
public final class SQLiteDatabase {
    /// The `sqlite3*` handle (an opaque C pointer).
    let handle: OpaquePointer

    /// Opens (creating if asked) the database at `path`, refusing a symbolic link at `path`
    /// (`SQLITE_OPEN_NOFOLLOW`). A missing file without `create` throws.
    public init(path: String, create: Bool = true) throws(SQLiteError) {
        var flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW
        if create { flags |= SQLITE_OPEN_CREATE }
        handle = try Self.open(path, flags: flags)
    }

    /// Opens the existing database at `path` for reading only, never through a symbolic link. `immutable`
    /// tells SQLite the file cannot change while it is open: it then neither locks nor looks for a `-wal` or
    /// `-shm` file, which a read-only directory cannot have made (use it only when no `-wal` file is there).
    public init(readingOnly path: String, immutable: Bool = false) throws(SQLiteError) {
        var flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW
        var name = path
        if immutable {
            flags |= SQLITE_OPEN_URI
            name = "file:" + SQLiteDatabase.uriEscaped(path) + "?immutable=1"
        }
        handle = try Self.open(name, flags: flags)
    }

    /// `sqlite3_open_v2` of `name` with `flags`, extended result codes on, a 5 s busy timeout.
    private static func open(_ name: String, flags: Int32) throws(SQLiteError) -> OpaquePointer {
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(name, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            throw SQLiteError(code: rc, message: message)
        }
        sqlite3_extended_result_codes(db, 1)
        // Another process (a second ossbatch on the same bucket) may hold the write lock for a moment.
        sqlite3_busy_timeout(db, 5_000)
        return db
    }

    /// `path` as a `file:` URI's path: every byte but unreserved ones and `/` as `%HH` (SQLite reads `?`, `#`
    /// and `%` in a URI's path as syntax).
    static func uriEscaped(_ path: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    deinit { sqlite3_close_v2(handle) }

    /// How long a statement waits for another connection's lock before failing busy (5 s from `init`).
    public func setBusyTimeout(milliseconds: Int32) {
        sqlite3_busy_timeout(handle, milliseconds)
    }

    /// Runs one or more statements that return no rows.
    public func execute(_ sql: String) throws(SQLiteError) {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw error(rc) }
    }

    /// A compiled statement, to bind and step many times.
    public func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw error(rc) }
        return SQLiteStatement(statement, database: self)
    }

    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT`, rolled back if it throws.
    public func transaction<T>(_ body: () throws(SQLiteError) -> T) throws(SQLiteError) -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// How many rows the last INSERT, UPDATE or DELETE changed.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// The value of a pragma or any one-row, one-column query, as text (nil when it returns no row).
    public func scalar(_ sql: String) throws(SQLiteError) -> String? {
        let statement = try prepare(sql)
        guard try statement.step() else { return nil }
        return statement.text(0)
    }

    func error(_ rc: Int32) -> SQLiteError {
        SQLiteError(code: rc, message: String(cString: sqlite3_errmsg(handle)))
    }
}
