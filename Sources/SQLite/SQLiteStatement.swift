import CSQLite

#if canImport(Glibc)
import Glibc
#endif

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

    /// Binds `bytes` as text, byte for byte (not checked as UTF-8): a value read back from a row, which may
    /// hold any bytes, compared as it is stored.
    public func bind(textBytes bytes: [UInt8], at index: Int32) throws(SQLiteError) {
        // The array is passed as a pointer to its bytes for the call (Swift's implicit conversion); SQLite
        // reads `count` of them and copies them before returning (transient).
        let chars = bytes.map { CChar(bitPattern: $0) }
        try check(sqlite3_bind_text(statement, index, chars, Int32(chars.count), Self.transient))
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

    /// The column's text as bytes, into `bytes` (which it replaces, keeping its capacity); empty for NULL.
    /// For a caller that reads many rows and compares or parses their bytes: no string is made (a string per
    /// row and column, validated, allocated and freed, was much of reading the upload index whole).
    public func text(_ column: Int32, into bytes: inout [UInt8]) {
        // SQLite's advice: ask for the text first, then its length (which is the text's, in bytes, then).
        let text = sqlite3_column_text(statement, column)
        let count = Int(sqlite3_column_bytes(statement, column))
        if bytes.count != count {
            bytes.removeAll(keepingCapacity: true)
            bytes.append(contentsOf: repeatElement(0, count: count))
        }
        guard let text, count > 0 else { return }
        // Safe: `bytes` holds exactly `count` bytes (just above), and `text` points at `count` bytes that stay
        // valid until the statement steps, resets or reads the column as another type (none happens here).
        memcpy(&bytes, text, count)
    }

    private func check(_ rc: Int32) throws(SQLiteError) {
        guard rc == SQLITE_OK else { throw database.error(rc) }
    }
}
