import CSQLite

/// A prepared statement: bind parameters (1-based), step through rows, read columns (0-based), reset.
public final class SQLiteStatement {
    /// The `sqlite3_stmt*` (an opaque C pointer).
    private let statement: OpaquePointer
    /// Kept alive while the statement is: finalizing after the connection closed would be undefined.
    private let database: SQLiteDatabase

    init(_ statement: OpaquePointer, database: SQLiteDatabase) {
        self.statement = statement
        self.database = database
    }

    deinit { sqlite3_finalize(statement) }

    /// `SQLITE_TRANSIENT`: SQLite copies bound text before the call returns, so Swift's temporary C string
    /// may go away. The C macro is a cast of -1 to a destructor pointer, which Swift cannot import.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    public func bind(_ value: Int64, at index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_int64(statement, index, value))
    }

    public func bind(_ value: String, at index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_text(statement, index, value, -1, Self.transient))
    }

    /// One row is ready (true) or the statement is done (false).
    public func step() throws(SQLiteError) -> Bool {
        let rc = sqlite3_step(statement)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw database.error(rc)
    }

    /// Ready to run again; bindings are cleared.
    public func reset() {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
    }

    public func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }

    /// The column as text; nil for NULL.
    public func text(_ column: Int32) -> String? {
        guard let bytes = sqlite3_column_text(statement, column) else { return nil }
        return String(cString: bytes)
    }

    private func check(_ rc: Int32) throws(SQLiteError) {
        guard rc == SQLITE_OK else { throw database.error(rc) }
    }
}
