import Digests
import Dispatch
import Foundation
import LocalFiles
import SQLite
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The upload index: one SQLite database per target (endpoint + bucket) in the state directory, one row per
/// object ossbatch confirmed (`IndexEntry`). WAL mode, `synchronous=NORMAL`: a commit survives kill -9 (it
/// is in the OS's cache), a power cut may lose the last ones, which only makes the next run upload them
/// again. It is a cache: a missing, unreadable or corrupt index is a warning and is rebuilt empty.
package final class UploadIndex: Sendable {
    /// Bumped when the table changes; an index of another version is rebuilt.
    static let schemaVersion = 1
    package let path: String
    /// `path` with the links of its directories resolved: what connections open (`open(at:warnings:checked:)`).
    private let file: String
    private let database: Mutex<Connection>
    /// How its connections open the file (a scan in parts opens one a part).
    private let access: Access

    /// Read-write (a run), or to read only (`plan`): immutable where no `-wal` can be made, with what the file
    /// was when opened, to tell whether it changed under the read (`changedSinceOpened`).
    private enum Access: Sendable {
        case readWrite
        case readOnly
        case immutable(FileState)
    }

    /// The index file's and its `-wal`'s size and modification time.
    private struct FileState: Sendable, Equatable {
        var file: FileID
        var size: Int64
        var mtime: Int64
        var walSize: Int64?

        init(_ path: String) throws(FileSystemError) { self.init(path, status: try FileStatus.lstat(path)) }

        /// With `status`, the file's own `lstat` already made.
        init(_ path: String, status: FileStatus) {
            file = FileID(device: status.device, inode: status.inode)
            size = status.size
            mtime = status.mtimeNanoseconds
            walSize = (try? FileStatus.lstat(path + "-wal"))?.size
        }
    }

    /// The connection and its prepared statements, used under the mutex only.
    private final class Connection {
        let db: SQLiteDatabase
        /// The file it has open (device and inode), to tell when the index's path names another one.
        let fileID: FileID
        var reportIDs: [String: Int64] = [:]
        var directoryIDs: [String: Int64] = [:]
        /// The lookup by inode and device, prepared once `objects_by_inode` is made (by the first lookup): a
        /// `copy` night looks up every file it does not skip.
        var byInode: SQLiteStatement?
        /// The lookup by key, prepared by its first use (`if_exists: skip` asks once per file it does not skip).
        var byKey: SQLiteStatement?
        /// A key's row, asked before every request that may store an object (`buryAhead`).
        var rowByKey: SQLiteStatement?
        lazy var upsert = try? db.prepare(UploadIndex.insertSQL(onConflict: "REPLACE"))

        init(_ db: SQLiteDatabase, fileID: FileID) {
            self.db = db
            self.fileID = fileID
        }
    }

    /// A file's device and inode.
    struct FileID: Equatable {
        var device: UInt64
        var inode: UInt64
    }

    private init(path: String, file: String, db: sending SQLiteDatabase, fileID: FileID, access: Access = .readWrite) {
        self.path = path
        self.file = file
        self.access = access
        database = Mutex(Connection(db, fileID: fileID))
    }

    /// Another connection to the file, opened as this one was.
    private func connect() throws(SQLiteError) -> SQLiteDatabase { try Self.connection(to: file, access: access) }

    /// A connection to `file` opened for `access`.
    private static func connection(to file: String, access: Access) throws(SQLiteError) -> SQLiteDatabase {
        switch access {
        case .readWrite: return try SQLiteDatabase(path: file, create: false)
        case .readOnly: return try SQLiteDatabase(readingOnly: file)
        case .immutable: return try SQLiteDatabase(readingOnly: file, immutable: true)
        }
    }

    /// The index file at `path` under its directory's own path, links resolved: SQLite's `SQLITE_OPEN_NOFOLLOW`
    /// refuses a symbolic link in any component of the path, and a state directory reached through one
    /// (/var/lib/ossbatch -> /data/ossbatch) is the operator's choice. The file itself is never a link.
    static func resolvedFile(_ path: String) -> String {
        URL(fileURLWithPath: (path as NSString).deletingLastPathComponent).resolvingSymlinksInPath().path + "/"
            + (path as NSString).lastPathComponent
    }

    /// Whether an index opened immutable (`openForReading` in a directory it may not write) changed since:
    /// SQLite trusts such a file not to, and a `run` that can write there (another mount namespace, a
    /// container's writable view of the same directory) may have, so what was read may be torn. Other opens
    /// read through SQLite's locks: false.
    package var changedSinceOpened: Bool {
        guard case .immutable(let opened) = access else { return false }
        return (try? FileState(file)) != opened
    }

    /// Opens the file now at the index's path when it is no longer the one `c` has open: the index was
    /// deleted (or rebuilt by another process) while this one had it open. Writes went on into the deleted
    /// file, while a batch started after wrote a new one: what this run buried was lost, and that batch's
    /// next night skipped a file over this run's bytes. Called before each write (a `stat`).
    private func reopenIfReplaced(_ c: inout Connection) throws(SQLiteError) {
        let now = try? FileStatus.stat(file)
        guard now.map({ FileID(device: $0.device, inode: $0.inode) }) != c.fileID else { return }
        // Deleted by hand, and no other batch has made it anew: it starts again, as `open` starts it. The
        // deleted one's lineage, left on disk, made every write of the night fail (review of b7bf3fd).
        if now == nil { unlink(IndexLineage.path(ofIndex: file)) }
        do {
            let (db, id) = try Self.connect(file, named: path, checked: false)
            c = Connection(db, fileID: id)
        } catch let error as SQLiteError {
            throw error
        } catch {
            throw SQLiteError(code: 14, message: "cannot open the upload index again: \(error)")
        }
    }

    /// Whether `error` (from opening or using an index) says another process holds it: in use, not damaged.
    package static func isBusy(_ error: any Error) -> Bool {
        (error as? StateFileError)?.isBusy == true || (error as? SQLiteError)?.isBusy == true
    }

    /// `STATE/.index/<first 32 hex digits of SHA-256(endpoint NUL bucket)>.sqlite`.
    package static func path(endpoint: String, bucket: String, in state: StateDirectory = .resolve()) -> String {
        let digest = SHA256.hash(Array(endpoint.utf8) + [0] + Array(bucket.utf8)).hexString.prefix(32)
        return state.indexes + "/" + digest + ".sqlite"
    }

    /// Opens (creating) the index at `path`. A damaged or foreign file is deleted and rebuilt
    /// (it is a cache), and `warnings` says so. Throws when no usable index can be had (a symbolic link
    /// at `path`, a directory that cannot be made, a failure that is not the file's damage: a full disk, an
    /// I/O error; the file is then left as it is): the caller goes on without one.
    ///
    /// `checked: false` skips SQLite's `quick_check` for a caller that reads its rows next (`scanVersions`,
    /// which meets a damaged page as an error); an index this process has scanned is not checked again.
    package static func open(
        at path: String,
        warnings: inout [String],
        checked: Bool = true
    ) throws(StateFileError) -> UploadIndex {
        // Mode 0700, never a symbolic link or a directory others can write: the index decides what is skipped.
        let directory = (path as NSString).deletingLastPathComponent
        try StateDirectory.prepare(directory)
        // Through a linked state directory every open failed as damage, the index deleted and never usable.
        let file = resolvedFile(path)
        // An index deleted by hand starts again: the lineage of the one deleted is not this one's.
        if (try? FileStatus.lstat(file)) == nil { unlink(IndexLineage.path(ofIndex: file)) }
        let condemned = IndexCondemnation.isCondemned(file)
        if !condemned {
            do {
                return try recordingLineage(
                    openOnce(file, named: path, checked: checked && !scanned.withLock { $0.contains(path) }),
                    warnings: &warnings
                )
            } catch {
                try failedOpen(error, path: path, warnings: &warnings)
            }
        }
        // Not while a run that gave it up still uploads (its mark held): the entries made meanwhile would vouch
        // for keys that run may still replace. The mark is taken (made, for a damaged index) exclusively and
        // removed last, while held: a run that condemns the new index meanwhile only costs another rebuild.
        guard let rebuilding = IndexCondemnation.lockForRebuild(file) else {
            var held = StateFileError(
                path: path,
                operation: "open",
                reason: "it was given up by a run that could not open it, which still goes on; "
                    + "it is rebuilt once that run ends"
            )
            held.isBusy = true
            throw held
        }
        if condemned {
            warnings.append(
                "the upload index \(path) was given up by a run that could not open it to take out the entries of "
                    + "the keys it replaced; rebuilding it (the next run uploads what it cannot vouch for)"
            )
        }
        withExtendedLifetime(rebuilding) {
            for suffix in ["", "-wal", "-shm", "-lineage", "-condemned"] { unlink(file + suffix) }
        }
        do {
            return try recordingLineage(openOnce(file, named: path, checked: true), warnings: &warnings)
        } catch let error as StateFileError {
            throw error
        } catch {
            throw StateFileError(path: path, operation: "open", reason: "cannot rebuild the upload index: \(error)")
        }
    }

    /// Why a first open failed: throws when the index must be left as it is, returns (with a warning) when it is
    /// damaged or foreign and is to be rebuilt.
    private static func failedOpen(_ error: any Error, path: String, warnings: inout [String]) throws(StateFileError) {
        do {
            throw error
        } catch let error as SQLiteError where error.isBusy {
            // Another process holds the file past SQLite's 5 s patience: it is in use, not damaged. Rebuilding
            // would delete it under that process (and its entries with it); this run goes on without it.
            var busy = StateFileError(
                path: path,
                operation: "open",
                reason: "it is busy (another process holds its lock): \(error)"
            )
            busy.isBusy = true
            throw busy
        } catch let error as SQLiteError where error.isCorruption {
            warnings.append(
                "the upload index \(path) is unusable (\(error)); rebuilding it (the next run uploads what it cannot vouch for)"
            )
        } catch let error as SQLiteError {
            // Not the file's fault (a full disk, an I/O error, no memory, a `-shm` that cannot be made): deleting
            // it would make the next night upload every file again for what may pass by morning.
            throw StateFileError(
                path: path,
                operation: "open",
                reason: "\(error); the index is left as it is (it is not damaged)"
            )
        } catch let error as StateFileError {
            throw error
        } catch {
            warnings.append("the upload index \(path) is unusable (\(error)); rebuilding it")
        }
    }

    /// `index` once its lineage is recorded (`recordLineage`); a lineage that cannot be written is a warning
    /// (the index is used all the same: it is this state directory's).
    private static func recordingLineage(_ index: UploadIndex, warnings: inout [String]) -> UploadIndex {
        do { try index.recordLineage() } catch {
            warnings.append("cannot record the upload index's lineage beside \(index.path): \(error)")
        }
        return index
    }

    /// Opens the index at `path` to read only (`ossbatch plan`, a dry run): nothing is created, changed or
    /// deleted — an index that cannot be read (damaged, of another schema, made by a newer ossbatch) throws and
    /// is left as it is for the next run to deal with. A state directory that cannot be written (mounted
    /// read-only) is read too: with no `-wal` file beside the index, nothing is waiting to be checkpointed into
    /// it and it is opened immutable (SQLite then needs no `-shm` file, which it could not make there).
    package static func openForReading(at path: String) throws -> UploadIndex {
        let directory = (path as NSString).deletingLastPathComponent
        do { try StateFile.requirePrivateDirectory(directory) } catch {
            throw StateFileError(path: directory, operation: "use", reason: error.reason)
        }
        let file = resolvedFile(path)
        guard !IndexCondemnation.isCondemned(file) else {
            throw StateFileError(
                path: path,
                operation: "read",
                reason: "a run that could not open it gave it up (the next run rebuilds it)"
            )
        }
        let status = try FileStatus.lstat(file)
        guard status.kind == .regular else {
            throw StateFileError(path: path, operation: "open", reason: "is \(status.kind.description), not a file")
        }
        // Immutable only where SQLite could not make the `-shm` it reads a WAL through, and with nothing in a
        // `-wal` to be read (none, or an empty one a run left): then the file alone holds every row.
        let state = FileState(file, status: status)
        let mode: Access =
            Glibc.access(directory, W_OK) != 0 && (state.walSize ?? 0) == 0 ? .immutable(state) : .readOnly
        let db = try connection(to: file, access: mode)
        let version = Int(try db.scalar("PRAGMA user_version") ?? "0") ?? 0
        guard version == schemaVersion else {
            throw SQLiteError(
                code: 26,
                message: "index schema version \(version), this ossbatch reads \(schemaVersion)"
            )
        }
        try requireOwnTables(db)
        try requireOwnLineage(db, file: file, creating: false)
        return UploadIndex(path: path, file: file, db: db, fileID: state.file, access: mode)
    }

    /// Creates the file 0600 itself (SQLite would use 0644 less the umask; its -wal and -shm files take the
    /// database's mode), never through a symbolic link, then opens it with `SQLITE_OPEN_NOFOLLOW`. `path` has
    /// no link in it; the index is named `name` (the path the user's state directory gives).
    private static func openOnce(_ path: String, named name: String, checked: Bool) throws -> UploadIndex {
        let (db, fileID) = try connect(path, named: name, checked: checked)
        return UploadIndex(path: name, file: path, db: db, fileID: fileID)
    }

    /// `openOnce`'s connection, and the file it opened.
    private static func connect(
        _ path: String,
        named name: String,
        checked: Bool
    ) throws -> (SQLiteDatabase, FileID) {
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let reason = errno == ELOOP ? "is a symbolic link; not followed" : String(cString: strerror(errno))
            throw StateFileError(path: name, operation: "open", reason: reason)
        }
        fchmod(fd, 0o600)
        close(fd)
        let db = try SQLiteDatabase(path: path, create: false)
        let version = Int(try db.scalar("PRAGMA user_version") ?? "0") ?? 0
        if version != schemaVersion {
            if version != 0 { throw SQLiteError(code: 26, message: "index schema version \(version)") }
            try db.execute(
                """
                PRAGMA journal_mode=WAL;
                CREATE TABLE IF NOT EXISTS reports(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE);
                CREATE TABLE IF NOT EXISTS dirs(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE);
                CREATE TABLE IF NOT EXISTS objects(
                    key TEXT PRIMARY KEY, dir INTEGER NOT NULL, name TEXT NOT NULL, size INTEGER NOT NULL,
                    mtime_ns INTEGER NOT NULL,
                    ctime_ns INTEGER NOT NULL, inode INTEGER NOT NULL, device INTEGER NOT NULL,
                    crc64 INTEGER NOT NULL, etag TEXT NOT NULL, options_hash INTEGER NOT NULL,
                    uploaded_at INTEGER NOT NULL, report INTEGER NOT NULL) WITHOUT ROWID;
                PRAGMA user_version=\(schemaVersion);
                """
            )
        }
        // `CREATE TABLE IF NOT EXISTS` keeps a table of the same name another tool made: the tables must be
        // ours, or every night failed to read and write the index, uploading everything, and never rebuilt it.
        try requireOwnTables(db)
        guard try db.scalar("PRAGMA journal_mode=WAL")?.lowercased() == "wal" else {
            throw SQLiteError(code: 1, message: "WAL mode unavailable")
        }
        try db.execute("PRAGMA synchronous=NORMAL")
        try Self.requireOwnLineage(db, file: path, creating: true)
        // A damaged page is found here rather than halfway through a run (it reads the whole file: a third of
        // a nightly run of an unchanged tree when it was done twice).
        if checked, try db.scalar("PRAGMA quick_check(1)") != "ok" {
            throw SQLiteError(code: 11, message: "quick_check failed")
        }
        let status = try FileStatus.stat(path)
        return (db, FileID(device: status.device, inode: status.inode))
    }

    /// Throws unless the tables are the upload index's: every column read and written, the key unique.
    private static func requireOwnTables(_ db: SQLiteDatabase) throws(SQLiteError) {
        do {
            _ = try db.prepare("SELECT \(columns) FROM objects LIMIT 0")
            _ = try db.prepare("SELECT id, path FROM reports LIMIT 0")
            _ = try db.prepare("SELECT id, path FROM dirs LIMIT 0")
        } catch  where error.code & 0xFF == 1 {
            // `SQLITE_ERROR`, "no such table/column": another schema, which `open` rebuilds (as SQLite's "not a
            // database" is). An I/O error reading the schema is not damage (review of 3f125c9).
            throw SQLiteError(code: 26, message: "the tables are not the upload index's: \(error.message)")
        }
        guard try db.scalar("SELECT group_concat(name) FROM pragma_table_info('objects') WHERE pk > 0") == "key" else {
            throw SQLiteError(code: 11, message: "the objects table is not the upload index's (its key is not unique)")
        }
    }

    /// Throws (as damage: `open` rebuilds, `plan` counts nothing unchanged) unless the index is the one the
    /// state directory wrote, as far as it wrote it (`IndexLineage`). `creating` (a connection that may write)
    /// gives an index without a lineage yet (new, or made before lineages were kept) its own.
    private static func requireOwnLineage(_ db: SQLiteDatabase, file: String, creating: Bool) throws(SQLiteError) {
        // Written only when missing: a write at every open waited for any other writer (SQLite's 5 s).
        if creating, try lineage(of: db) == nil {
            try db.execute("CREATE TABLE IF NOT EXISTS lineage(id TEXT NOT NULL, generation INTEGER NOT NULL)")
            // One statement: two processes opening a new index at once must not both add a row.
            let new = IndexLineage.new()
            let insert = try db.prepare(
                "INSERT INTO lineage(id, generation) SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM lineage)"
            )
            try insert.bind(new.id, at: 1)
            try insert.bind(new.generation, at: 2)
            _ = try insert.step()
        }
        let recorded: IndexLineage?
        do {
            recorded = try IndexLineage.read(IndexLineage.path(ofIndex: file))
        } catch let error as FileSystemError where error.isRefusal {
            // Not read now (no descriptor left, an I/O error): nothing is known against the index, which is
            // left as it is (SQLITE_IOERR: `open` rebuilds only what is damaged; review of 033c720).
            throw SQLiteError(code: 10, message: "cannot read the index's lineage file: \(error.reason)")
        } catch {
            throw SQLiteError(code: 26, message: "\(error)")
        }
        if let why = IndexLineage.mismatch(own: try lineage(of: db), recorded: recorded) {
            throw SQLiteError(code: 26, message: why)
        }
    }

    /// The index's own lineage; nil for an index without one (made before lineages were kept, and only read).
    private static func lineage(of db: SQLiteDatabase) throws(SQLiteError) -> IndexLineage? {
        guard try db.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'lineage'") == "1"
        else { return nil }
        let statement = try db.prepare("SELECT id, generation FROM lineage LIMIT 2")
        guard try statement.step() else { return nil }
        let lineage = IndexLineage(id: statement.text(0) ?? "", generation: statement.int64(1))
        // Two rows, or a row no ossbatch wrote: not an index this state directory can vouch with.
        guard try !statement.step() else {
            throw SQLiteError(code: 26, message: "the lineage table has more than one row")
        }
        return lineage
    }

    /// Advances the index's generation, in the write transaction (or before the statement) that changes it.
    private static func advanceLineage(_ db: SQLiteDatabase) throws(SQLiteError) {
        try db.execute("UPDATE lineage SET generation = generation + 1")
    }

    /// Records the index's lineage as it is now in its lineage file (`recordLineage(_:)`): when a run opens the
    /// index and when it is done with it. An index put back from a copy made before then is told by its older
    /// generation.
    /// Best effort, without waiting: while another process writes, it records the lineage itself when done,
    /// and a lineage file a step behind only tells fewer old copies apart.
    package func recordLineage() throws {
        try database.withLock { (c) throws in
            try reopenIfReplaced(&c)
            c.db.setBusyTimeout(milliseconds: 0)
            defer { c.db.setBusyTimeout(milliseconds: 5_000) }
            do {
                try recordLineage(c)
            } catch let error as SQLiteError where error.isBusy {
                return
            }
        }
    }

    /// Writes the lineage file once the generation it records is on disk: the transaction that reads it
    /// makes a write, committed with the log synced (`synchronous=FULL`), which every commit before it is then
    /// too. Written before that (under `synchronous=NORMAL` a commit waits for no sync), a power cut could
    /// leave the index behind its lineage file, and the next night would rebuild it (review of 033c720).
    /// Written after the lock is let go, two processes may leave the file a step behind, never ahead.
    ///
    /// Nothing is written when the file already records the index's generation (a night that uploaded nothing):
    /// that generation was on disk before the file said so. Written anyway, the syncs of the log, the file and
    /// its directory took 2–10 ms three times on such a night, on its one busy thread (2026-12-06).
    private func recordLineage(_ c: Connection) throws(SQLiteError) {
        let path = IndexLineage.path(ofIndex: file)
        if let own = try Self.lineage(of: c.db), (try? IndexLineage.read(path)) == own { return }
        try c.db.execute("PRAGMA synchronous=FULL")
        defer { try? c.db.execute("PRAGMA synchronous=NORMAL") }
        let own = try c.db.transaction { () throws(SQLiteError) -> IndexLineage? in
            try c.db.execute("UPDATE lineage SET generation = generation")
            return try Self.lineage(of: c.db)
        }
        guard let own else { return }
        do { try own.write(to: path) } catch {
            throw SQLiteError(code: 10, message: "cannot write the index's lineage: \(error)")
        }
    }

    /// The source is kept as its directory's id (`dirs`) and its name: a tree's path prefix once, not per file.
    static let columns =
        "key, dir, name, size, mtime_ns, ctime_ns, inode, device, crc64, etag, options_hash, uploaded_at, report"
    static let selected =
        "o.key, d.path || '/' || o.name, o.size, o.mtime_ns, o.ctime_ns, o.inode, o.device, o.crc64, o.etag, "
        + "o.options_hash, o.uploaded_at, o.report FROM objects o JOIN dirs d ON d.id = o.dir"

    static func insertSQL(onConflict: String) -> String {
        "INSERT OR \(onConflict) INTO objects(\(columns)) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
    }

    // MARK: reading

    /// Every entry in key order (UTF-8 byte order, as plans sort keys), handed to `body` one at a time; no
    /// tombstone (`tombstoneSQL`), here or in the lookups below.
    package func scan(_ body: (IndexEntry) -> Void) throws(SQLiteError) {
        try database.withLock { (c) throws(SQLiteError) in
            let statement = try c.db.prepare(
                "SELECT \(Self.selected) WHERE o.size >= 0 ORDER BY o.key"
            )
            while try statement.step() { body(Self.entry(statement)) }
        }
    }

    /// What `UnchangedFilter` compares, a row at a time in key order: the key, the source as its directory
    /// (with its trailing `/`, the one string of that directory) and name, the identity, the options hash,
    /// and what a skipped job's line records (ETag, CRC-64). The key and name are bytes, not strings: a
    /// nightly run reads every row, and making strings of them (and of joined paths before) was most of its
    /// time.
    package struct Version {
        /// The key's UTF-8 bytes.
        package var key: [UInt8]
        package var directory: String
        /// The source's name's UTF-8 bytes.
        package var name: [UInt8]
        package var identity: SourceIdentity
        package var ctimeNanoseconds: Int64
        package var optionsHash: Int64
        package var crc64: UInt64
        /// The `dirs` row `directory` is: the next row of the same directory keeps the string as it is.
        fileprivate var directoryID: Int64?

        /// What a scan reads each row into, in place: made anew for each row, each version retained its two
        /// buffers and its directory and released them again, 200,000 times a night (perf, 2026-12-06).
        fileprivate static var reused: Version {
            Version(
                key: [],
                directory: "",
                name: [],
                identity: SourceIdentity(size: 0, mtimeNanoseconds: 0, inode: 0, device: 0),
                ctimeNanoseconds: 0,
                optionsHash: 0,
                crc64: 0
            )
        }
    }

    /// Indexes this process scanned without an error (`scanVersions`, the plan's stretch of keys): the engine's
    /// open after the plan's does not check the whole file again. SQLite's `quick_check` reads every page, and
    /// an index that also holds other prefixes' keys (other nights' dated snapshots) is many times the plan's
    /// stretch: checked, a night of 200,000 unchanged files in an index of ten such nights took 1.4 s instead
    /// of 0.5. A damaged page outside the stretch is met, if ever, by a write (a warning: the next run uploads
    /// those files again) or by the plan of a batch whose keys it holds (then rebuilt, as always).
    private static let scanned = Mutex<Set<String>>([])

    /// The entries whose keys sort from `first` through `last` (`nil`: no bound) as `Version`s, in key order
    /// (UTF-8 byte order, as plans sort keys), with a function that reads its ETag's bytes (only rows that
    /// match a job need it).
    package func scanVersions(
        from first: String? = nil,
        through last: String? = nil,
        _ body: (Version, _ etag: () -> [UInt8]) -> Void
    ) throws(SQLiteError) {
        try database.withLock { (c) throws(SQLiteError) in
            let (statement, directories) = try Self.prepareVersions(c.db, from: first, before: nil, through: last)
            var version = Version.reused
            var etag: [UInt8] = []
            while try statement.step() {
                Self.read(statement, directories, into: &version)
                body(version) {
                    statement.text(10, into: &etag)
                    return etag
                }
            }
        }
        _ = Self.scanned.withLock { $0.insert(path) }
    }

    /// What reads a scan's entries in order (`UnchangedFilter`'s merge), one value per part of a scan in parts.
    package protocol VersionReader: Sendable {
        mutating func read(_ version: Version, etag: () -> [UInt8])
    }

    /// `scanVersions` in parts at once, each on a connection of its own (SQLite reads a WAL database from
    /// several at a time), shared out among the cores: `readers[k]` reads the entries whose keys sort from
    /// `splits[k - 1]` (included) to `splits[k]` (excluded), the first from `first`, the last through `last`
    /// (`nil`: no bound). A nightly run reads every row of its keys, one core's work when read whole; in two
    /// halves, one half often ended well after the other (a core taken for a while by something else), so
    /// there are a few parts per core.
    package func scanVersions<Reader: VersionReader>(
        in readers: [Reader],
        from first: String? = nil,
        splits: [String],
        through last: String? = nil
    ) throws(SQLiteError) -> [Reader] {
        precondition(splits.count == readers.count - 1, "one split between each two readers")
        let read = DispatchQueue.concurrentMap(iterations: readers.count) { k in
            Result { () throws(SQLiteError) -> Reader in
                var reader = readers[k]
                let db = try connect()
                // A scan reads each page once: SQLite's page cache (2 MB a connection by default, one connection
                // a part) would only hold pages never read again, and it counted in the run's peak memory.
                try db.execute("PRAGMA cache_size=-128")
                let isLast = k == splits.count
                let (statement, directories) = try Self.prepareVersions(
                    db,
                    from: k == 0 ? first : splits[k - 1],
                    before: isLast ? nil : splits[k],
                    through: isLast ? last : nil
                )
                var version = Version.reused
                var etag: [UInt8] = []
                while try statement.step() {
                    Self.read(statement, directories, into: &version)
                    reader.read(version) {
                        statement.text(10, into: &etag)
                        return etag
                    }
                }
                return reader
            }
        }
        let all = try read.map { (result) throws(SQLiteError) in try result.get() }
        _ = Self.scanned.withLock { $0.insert(path) }
        return all
    }

    /// The statement that reads the entries with keys from `start` (included) to `end` (excluded) or through
    /// `last` (included), `nil` for no bound, in key order, and the directories their rows refer to (each
    /// path with its trailing `/`).
    private static func prepareVersions(
        _ db: SQLiteDatabase,
        from start: String?,
        before end: String?,
        through last: String?
    ) throws(SQLiteError) -> (SQLiteStatement, [Int64: String]) {
        var directories: [Int64: String] = [:]
        let dirs = try db.prepare("SELECT id, path FROM dirs")
        while try dirs.step() { directories[dirs.int64(0)] = (dirs.text(1) ?? "") + "/" }
        // `key` is the primary key, compared as bytes (SQLite's BINARY collation): a range of keys is a range
        // of the table's own order.
        var bounds: [String] = []
        if start != nil { bounds.append("key >= ?") }
        if end != nil { bounds.append("key < ?") }
        if last != nil { bounds.append("key <= ?") }
        let statement = try db.prepare(
            "SELECT key, dir, name, size, mtime_ns, ctime_ns, inode, device, crc64, options_hash, etag "
                + "FROM objects WHERE \((["size >= 0"] + bounds).joined(separator: " AND ")) ORDER BY key"
        )
        var parameter: Int32 = 1
        for bound in [start, end, last] {
            guard let bound else { continue }
            try statement.bind(bound, at: parameter)
            parameter += 1
        }
        return (statement, directories)
    }

    /// Reads the row `statement` is on into `version` (its ETag, column 10, is read apart), its text into its
    /// own buffers.
    private static func read(
        _ statement: SQLiteStatement,
        _ directories: [Int64: String],
        into version: inout Version
    ) {
        statement.text(0, into: &version.key)
        statement.text(2, into: &version.name)
        let directoryID = statement.int64(1)
        if directoryID != version.directoryID {
            version.directory = directories[directoryID] ?? ""
            version.directoryID = directoryID
        }
        version.identity = Self.identity(statement, size: 3, mtime: 4, inode: 6, device: 7)
        version.ctimeNanoseconds = statement.int64(5)
        version.optionsHash = statement.int64(9)
        version.crc64 = UInt64(bitPattern: statement.int64(8))
    }

    /// The live entry of a key (`byKey`): `entry(key:)`, `buryAhead`.
    static let entryByKeySQL = "SELECT \(selected) WHERE o.key = ? AND o.size >= 0"

    /// The entry of `key`, if any.
    package func entry(key: String) throws(SQLiteError) -> IndexEntry? {
        try database.withLock { (c) throws(SQLiteError) in
            let statement = try Self.prepared(\.byKey, Self.entryByKeySQL, in: c)
            defer { statement.reset() }
            try statement.bind(key, at: 1)
            return try statement.step() ? Self.entry(statement) : nil
        }
    }

    /// Entries of files with this inode and device (the same file uploaded under other keys).
    ///
    /// Through an index on disk (`objects_by_inode`), made by the first lookup: only `copy` (and
    /// `if_exists: skip`) look files up by inode, and the index costs each entry another copy of its key
    /// (about 70 bytes), so an index only ever used by `skip` does not have it. Kept in memory instead, every
    /// entry was read into a map on the first lookup: a bucket of dated snapshots holds an entry per file per
    /// night, and ten nights of 200,000 files made a copy run of 1,000 files hold 1.2 GB.
    package func entries(inode: UInt64, device: UInt64) throws(SQLiteError) -> [IndexEntry] {
        try database.withLock { (c) throws(SQLiteError) in
            if c.byInode == nil {
                try c.db.execute("CREATE INDEX IF NOT EXISTS objects_by_inode ON objects(inode, device)")
            }
            let statement = try Self.prepared(
                \.byInode,
                "SELECT \(Self.selected) WHERE o.inode = ? AND o.device = ? AND o.size >= 0",
                in: c
            )
            defer { statement.reset() }
            try statement.bind(Int64(bitPattern: inode), at: 1)
            try statement.bind(Int64(bitPattern: device), at: 2)
            var entries: [IndexEntry] = []
            while try statement.step() { entries.append(Self.entry(statement)) }
            return entries
        }
    }

    /// The connection's statement kept at `slot`, prepared from `sql` by its first use. The caller resets it
    /// when done (a statement left on a row holds a read transaction open).
    private static func prepared(
        _ slot: ReferenceWritableKeyPath<Connection, SQLiteStatement?>,
        _ sql: String,
        in c: Connection
    ) throws(SQLiteError) -> SQLiteStatement {
        if let statement = c[keyPath: slot] { return statement }
        let statement = try c.db.prepare(sql)
        c[keyPath: slot] = statement
        return statement
    }

    /// A source identity from the row's columns (inode and device are stored as their bit patterns).
    private static func identity(
        _ s: SQLiteStatement,
        size: Int32,
        mtime: Int32,
        inode: Int32,
        device: Int32
    ) -> SourceIdentity {
        SourceIdentity(
            size: s.int64(size),
            mtimeNanoseconds: s.int64(mtime),
            inode: UInt64(bitPattern: s.int64(inode)),
            device: UInt64(bitPattern: s.int64(device))
        )
    }

    private static func entry(_ s: SQLiteStatement) -> IndexEntry {
        IndexEntry(
            key: s.text(0) ?? "",
            source: s.text(1) ?? "",
            identity: identity(s, size: 2, mtime: 3, inode: 5, device: 6),
            ctimeNanoseconds: s.int64(4),
            crc64: UInt64(bitPattern: s.int64(7)),
            etag: s.text(8) ?? "",
            optionsHash: s.int64(9),
            uploadedAt: s.int64(10),
            report: s.text(11) ?? ""
        )
    }

    // MARK: writing

    /// Writes `entries` in one transaction, each replacing the entry of its key, and makes the keys in
    /// `removing` tombstones, whether they have an entry or not (`voidSQL`, `tombstoneSQL`). With `restoring`
    /// (a resumed report re-records what it
    /// journaled before), an entry another report wrote, or a tombstone (but one this report's own upload left,
    /// `buryAhead`), becomes (or stays) a tombstone instead of being replaced, and this one is not written: the two reports uploaded the key, and which came last is
    /// not known (another batch may have uploaded it before this report's kill -9, or after), so the index
    /// vouches for neither, and the next run of either uploads it.
    package func write(
        _ entries: [IndexEntry],
        removing: [String] = [],
        restoring: Bool = false
    ) throws(SQLiteError) {
        guard !entries.isEmpty || !removing.isEmpty else { return }
        try database.withLock { (c) throws(SQLiteError) in
            try reopenIfReplaced(&c)
            // Rolled back, the transaction took back the report and directory rows it added: their ids may be
            // given to another process's rows next, and must not name this run's (review of b7bf3fd).
            let (reports, directories) = (c.reportIDs, c.directoryIDs)
            do throws(SQLiteError) { try write(entries, removing: removing, restoring: restoring, in: c) } catch {
                (c.reportIDs, c.directoryIDs) = (reports, directories)
                throw error
            }
        }
    }

    /// `write(_:removing:restoring:)` in one transaction on `c`.
    private func write(
        _ entries: [IndexEntry],
        removing: [String],
        restoring: Bool,
        in c: Connection
    ) throws(SQLiteError) {
        try c.db.transaction { () throws(SQLiteError) in
            try Self.advanceLineage(c.db)
            // Only a write that buries needs the tombstones' report row (plain branches: see below).
            var buried: Int64 = 0
            if !removing.isEmpty || restoring { buried = try tombstoneReport(in: c) }
            if !removing.isEmpty {
                let void = try c.db.prepare(Self.voidSQL)
                let bury = try c.db.prepare(Self.tombstoneSQL)
                let now = Int64(Date().timeIntervalSince1970)
                for key in removing {
                    try Self.layTombstone(key: key, owner: buried, at: now, void: void, bury: bury, in: c.db)
                }
                void.reset()
                bury.reset()
            }
            guard !entries.isEmpty else { return }
            // `??` and `?:` would take typed throws away: plain branches.
            let statement: SQLiteStatement
            if let upsert = c.upsert {
                statement = upsert
            } else {
                statement = try c.db.prepare(Self.insertSQL(onConflict: "REPLACE"))
            }
            // With `restoring`: buries the key's entry if another report wrote it, and keeps a tombstone unless
            // this report's upload made it (`buryAhead`: the entry its kill -9 kept out).
            let removeOthers: SQLiteStatement?
            if restoring {
                removeOthers = try c.db.prepare(
                    "UPDATE objects SET size = -1, report = ?, uploaded_at = ? WHERE key = ? AND report != ?"
                )
            } else {
                removeOthers = nil
            }
            for e in entries {
                let report = try rowID(e.report, table: "reports", cache: \.reportIDs, in: c)
                if let removeOthers {
                    removeOthers.reset()
                    try removeOthers.bind(buried, at: 1)
                    try removeOthers.bind(Int64(Date().timeIntervalSince1970), at: 2)
                    try removeOthers.bind(e.key, at: 3)
                    try removeOthers.bind(report, at: 4)
                    _ = try removeOthers.step()
                    if c.db.changes > 0 { continue }
                }
                let slash = e.source.lastIndex(of: "/") ?? e.source.startIndex
                let directory = try rowID(String(e.source[..<slash]), table: "dirs", cache: \.directoryIDs, in: c)
                let name = e.source[slash...].drop { $0 == "/" }
                statement.reset()
                try statement.bind(e.key, at: 1)
                try statement.bind(directory, at: 2)
                try statement.bind(String(name), at: 3)
                try statement.bind(e.identity.size, at: 4)
                try statement.bind(e.identity.mtimeNanoseconds, at: 5)
                try statement.bind(e.ctimeNanoseconds, at: 6)
                try statement.bind(Int64(bitPattern: e.identity.inode), at: 7)
                try statement.bind(Int64(bitPattern: e.identity.device), at: 8)
                try statement.bind(Int64(bitPattern: e.crc64), at: 9)
                try statement.bind(e.etag, at: 10)
                try statement.bind(e.optionsHash, at: 11)
                try statement.bind(e.uploadedAt, at: 12)
                try statement.bind(report, at: 13)
                _ = try statement.step()
            }
            statement.reset()
            removeOthers?.reset()
        }
    }

    /// An entry that vouches for nothing any more and says so: its size, -1, matches no file. Used where this
    /// run replaced, or may have replaced, the key's object (an upload of a batch without `unchanged`, a failed
    /// one that may have stored its bytes, a version whose ctime had not settled) rather than deleting the
    /// entry: a key without an entry is what a kill -9 before the flush leaves, which a `resume` of the report
    /// that uploaded it fills back in (`write(_:removing:restoring:)`) — and, deleted, the entry of a batch
    /// whose object another batch has since replaced came back, and its next night skipped the file over the
    /// other bytes. A tombstone goes when its key is uploaded again, or with its night's entries (`prune`).
    /// It belongs to no batch's report (`tombstoneReport`): a `resume` by an ossbatch that predates tombstones
    /// then takes it for another report's entry and vouches for neither, instead of writing its own back.
    /// Dated now, as a new one is (`voidSQL`): kept at its entry's date, `prune` could take a tombstone laid
    /// today with a night long gone (review of 572eea5).
    static let tombstoneSQL = "UPDATE objects SET size = -1, report = ?, uploaded_at = ? WHERE key = ?"

    /// A tombstone for a key that has no entry (an existing entry is made one by `tombstoneSQL`): a run that
    /// replaced, or may have replaced, the object of a key whose entry a kill -9 (or a failed write) kept out
    /// of the index must leave a trace, or a resume of the report that uploaded it first would write that entry
    /// after all. Dated now, so `prune` takes it with its night.
    static let voidSQL =
        "INSERT OR IGNORE INTO objects(\(columns)) VALUES (?, 0, '', -1, 0, 0, 0, 0, 0, '', 0, ?, ?)"

    /// Makes `key` a tombstone of `owner` (a `reports` id): a new row dated `now` where it has none (`void`,
    /// `voidSQL`), else its row made one (`bury`, `tombstoneSQL`).
    private static func layTombstone(
        key: String,
        owner: Int64,
        at now: Int64,
        void: SQLiteStatement,
        bury: SQLiteStatement,
        in db: SQLiteDatabase
    ) throws(SQLiteError) {
        void.reset()
        try void.bind(key, at: 1)
        try void.bind(now, at: 2)
        try void.bind(owner, at: 3)
        _ = try void.step()
        if db.changes > 0 { return }  // no row: the tombstone is the new one
        bury.reset()
        try bury.bind(owner, at: 1)
        try bury.bind(now, at: 2)
        try bury.bind(key, at: 3)
        _ = try bury.step()
    }

    /// The report every tombstone belongs to: the empty path, which names no report.
    private func tombstoneReport(in c: Connection) throws(SQLiteError) -> Int64 {
        try rowID("", table: "reports", cache: \.reportIDs, in: c)
    }

    /// Buries the entry of `key` (`tombstoneSQL`): its object is gone from the server, or holds other bytes.
    package func bury(key: String) throws(SQLiteError) {
        try database.withLock { (c) throws(SQLiteError) in
            try reopenIfReplaced(&c)
            let statement = try c.db.prepare(Self.tombstoneSQL)
            try statement.bind(try tombstoneReport(in: c), at: 1)
            try statement.bind(Int64(Date().timeIntervalSince1970), at: 2)
            try statement.bind(key, at: 3)
            _ = try statement.step()
        }
    }

    /// Buries the entry of `key` if it has one that `keep` does not spare, before a request of `report`'s
    /// batch that may store an object under it (`BatchContext.buryIndexEntry(before:)`), and takes over a
    /// tombstone another report owns. Read first: a key without a row (a first night), with an entry spared
    /// (another version of the same file, on a night it changed), or with a tombstone of its own, costs a lookup
    /// and no write — a write each was 7% of a night of 20,000 changed small files.
    ///
    /// The tombstone is `report`'s: when a kill -9 comes before the flush that would have written the job's
    /// entry, a `resume` of that report writes it (`write(_:removing:restoring:)`), and no other report's
    /// resume does — which is why another report's tombstone is taken over: left as it was, that report's
    /// resume wrote its entry over this batch's bytes. Any other batch's write of the key replaces it.
    ///
    /// Returns whether it wrote. Never waits for another connection's lock (the connection is everyone's in
    /// this process): throws busy at once, for the caller to try again later; throws otherwise only when a row
    /// that needs burying could not be written (a full disk). A lookup that fails is taken for a row that
    /// needs burying: a tombstone is laid, or the write fails as one would.
    ///
    /// `evenWithoutRow`: a key without a row gets a tombstone of `report`'s too (`voidSQL`), for a run whose
    /// index writer does not leave one at its flush (`BatchContext.indexMadeSince()`): a write each.
    @discardableResult
    package func buryAhead(
        key: String,
        report: String,
        evenWithoutRow: Bool = false,
        keeping keep: (_ source: String, _ identity: SourceIdentity) -> Bool
    ) throws(SQLiteError) -> Bool {
        try database.withLock { (c) throws(SQLiteError) -> Bool in
            try reopenIfReplaced(&c)
            // One lookup, no string made for a row that is not there. A lookup that fails (an I/O error, no
            // memory) says nothing of the row: a tombstone is laid as for one, or the write's error fails the job
            // (taken for no row, the request went ahead under an entry that may vouch for other bytes: review
            // of 572eea5).
            let row = try? Self.prepared(\.rowByKey, Self.rowByKeySQL, in: c)
            defer { row?.reset() }
            let looked: Bool? = row.flatMap { row in (try? row.bind(key, at: 1)).flatMap { try? row.step() } }
            let found = looked == true
            guard found || evenWithoutRow || looked == nil else { return false }
            if found, let row, row.int64(0) >= 0 {
                let source = (row.text(2) ?? "") + "/" + (row.text(3) ?? "")
                guard !keep(source, Self.identity(row, size: 0, mtime: 4, inode: 5, device: 6)) else { return false }
            } else if found, let row, row.text(1) == report {
                return false
            }
            row?.reset()
            c.db.setBusyTimeout(milliseconds: 0)
            defer { c.db.setBusyTimeout(milliseconds: 5_000) }
            // The generation and the tombstone in one transaction (each its own commit, a burial was two: review
            // of 109b8d0). The report row goes in before it, on its own: its id is cached, and a rollback would
            // take back a row the cache still names.
            let owner = try rowID(report, table: "reports", cache: \.reportIDs, in: c)
            let (void, bury) = (try c.db.prepare(Self.voidSQL), try c.db.prepare(Self.tombstoneSQL))
            try c.db.transaction { () throws(SQLiteError) in
                try Self.advanceLineage(c.db)
                let now = Int64(Date().timeIntervalSince1970)
                try Self.layTombstone(key: key, owner: owner, at: now, void: void, bury: bury, in: c.db)
            }
            return true
        }
    }

    /// A key's row, live or not: its size, the report that owns it, its source and identity (`buryAhead`).
    static let rowByKeySQL =
        "SELECT o.size, r.path, d.path, o.name, o.mtime_ns, o.inode, o.device FROM objects o "
        + "LEFT JOIN reports r ON r.id = o.report LEFT JOIN dirs d ON d.id = o.dir WHERE o.key = ?"

    // MARK: pruning

    /// When the newest entry was last confirmed (seconds since 1970), or `nil` for an empty index.
    package func newestConfirmation() throws(SQLiteError) -> Int64? {
        try database.withLock { (c) throws(SQLiteError) -> Int64? in
            // One pass over the table (no index on uploaded_at: only pruning asks). NULL, for no entry, reads 0.
            let statement = try c.db.prepare("SELECT max(uploaded_at) FROM objects")
            guard try statement.step(), statement.int64(0) > 0 else { return nil }
            return statement.int64(0)
        }
    }

    /// The keys under `prefix` whose entries were last confirmed before `cutoff` (seconds since 1970), in key
    /// order, handed to `body` a page at a time (of at most `pageSize` rows read), the database free between
    /// pages, so that `body` may remove them (`ossbatch index prune`). A year of nightly snapshots is tens of
    /// millions of keys: listed whole, they would not fit in memory.
    package func forEachPageOfKeys(
        under prefix: String,
        confirmedBefore cutoff: Int64,
        pageSize: Int = 10_000,
        _ body: ([String]) throws(SQLiteError) -> Void
    ) throws(SQLiteError) {
        let wanted = Array(prefix.utf8)
        // The last key read, as its bytes: a key that is not UTF-8 (written by hand or by another tool) read as
        // a string becomes another (U+FFFD), and the next page began before it again, for ever.
        var after: [UInt8]?
        while true {
            let (page, last, more) = try database.withLock {
                (c) throws(SQLiteError) -> ([String], [UInt8]?, Bool) in
                // From the prefix on, until a key without it: keys compare as bytes (BINARY), as prefixes do.
                let statement = try c.db.prepare(
                    "SELECT key, uploaded_at FROM objects WHERE key \(after == nil ? ">=" : ">") ? ORDER BY key LIMIT ?"
                )
                try statement.bind(textBytes: after ?? wanted, at: 1)
                try statement.bind(Int64(pageSize), at: 2)
                var bytes: [UInt8] = []
                var keys: [String] = []
                var (rows, last): (Int, [UInt8]?) = (0, nil)
                while try statement.step() {
                    statement.text(0, into: &bytes)
                    guard bytes.starts(with: wanted) else { return (keys, last, false) }
                    rows += 1
                    // A key that is not UTF-8 is none ossbatch wrote: left alone.
                    if statement.int64(1) < cutoff, let key = String(validating: bytes, as: UTF8.self) {
                        keys.append(key)
                    }
                    last = bytes
                }
                return (keys, last, rows == pageSize)
            }
            try body(page)
            guard more, let last else { return }
            after = last
        }
    }

    /// Removes the entries of `keys` that were still last confirmed before `cutoff` (a run may have confirmed
    /// one since they were listed), a thousand a transaction, so that a run writing to the index meanwhile waits
    /// for one transaction, not for all of them.
    package func remove(keys: [String], confirmedBefore cutoff: Int64) throws(SQLiteError) {
        for start in stride(from: 0, to: keys.count, by: Self.removedPerTransaction) {
            try database.withLock { (c) throws(SQLiteError) in
                try reopenIfReplaced(&c)
                try c.db.transaction { () throws(SQLiteError) in
                    try Self.advanceLineage(c.db)
                    let statement = try c.db.prepare("DELETE FROM objects WHERE key = ? AND uploaded_at < ?")
                    for key in keys[start..<min(start + Self.removedPerTransaction, keys.count)] {
                        statement.reset()
                        try statement.bind(key, at: 1)
                        try statement.bind(cutoff, at: 2)
                        _ = try statement.step()
                    }
                }
            }
        }
    }

    static let removedPerTransaction = 1_000

    /// The id of `path` in `table` (`reports` or `dirs`), added if new; cached for the connection's life.
    private func rowID(
        _ path: String,
        table: String,
        cache: ReferenceWritableKeyPath<Connection, [String: Int64]>,
        in c: Connection
    ) throws(SQLiteError) -> Int64 {
        if let id = c[keyPath: cache][path] { return id }
        let insert = try c.db.prepare("INSERT OR IGNORE INTO \(table)(path) VALUES (?)")
        try insert.bind(path, at: 1)
        _ = try insert.step()
        let select = try c.db.prepare("SELECT id FROM \(table) WHERE path = ?")
        try select.bind(path, at: 1)
        guard try select.step() else { throw SQLiteError(code: 1, message: "\(table) id missing") }
        c[keyPath: cache][path] = select.int64(0)
        return select.int64(0)
    }

    /// Folds the write-ahead log into the database and truncates it (at the end of a run), so the index on
    /// disk is one file of its real size.
    package func checkpoint() {
        database.withLock { c in
            try? reopenIfReplaced(&c)
            try? c.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }
}
