import Foundation
import OSSBatch
import OSSProtocol
import SQLite
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The upload index's SQLite store and the state-directory rule, without a server.
@Suite struct UploadIndexStoreTests {
    static func entry(_ key: String, crc: UInt64 = 1, report: String = "r1", inode: UInt64 = 7) -> IndexEntry {
        IndexEntry(
            key: key,
            source: "/src/" + key,
            identity: SourceIdentity(size: 10, mtimeNanoseconds: 1_700_000_000_123_456_789, inode: inode, device: 2),
            ctimeNanoseconds: 1_700_000_001_000_000_001,
            crc64: crc,
            etag: "\"E\"",
            optionsHash: ObjectOptions(contentType: "text/plain").indexHash,
            uploadedAt: 1,
            report: report
        )
    }

    @Test func aScanHandsEachRowsKeyNameAndETagAsTheirExactBytesThoughItsBuffersAreReused() throws {
        let dir = try TemporaryDirectory("index-versions")
        defer { dir.remove() }
        let path = UploadIndex.path(endpoint: "http://e", bucket: "b", in: StateDirectory(path: dir.url.path))
        var warnings: [String] = []
        let index = try UploadIndex.open(at: path, warnings: &warnings)
        // Long, short, long again, empty name part, non-ASCII: each row read into the last row's buffers.
        var entries = ["a/a-much-longer-name-than-the-next.json", "a/b", "a/c-long-again-\u{E9}\u{1F600}.txt", "b"]
            .map { Self.entry($0) }
        entries[1].etag = "\"9DD4E461268C8034F5C8564E155C67A6\""
        entries[2].etag = ""
        try index.write(entries)
        var seen: [(key: [UInt8], name: [UInt8], directory: String, etag: [UInt8])] = []
        try index.scanVersions { version, etag in
            seen.append((version.key, version.name, version.directory, etag()))
        }
        #expect(seen.map { String(decoding: $0.key, as: UTF8.self) } == entries.map(\.key))
        #expect(seen.map(\.key) == entries.map { Array($0.key.utf8) })
        #expect(seen.map(\.name) == entries.map { Array($0.source.split(separator: "/").last!.utf8) })
        #expect(seen.map(\.directory) == ["/src/a/", "/src/a/", "/src/a/", "/src/"])
        #expect(seen.map(\.etag) == entries.map { Array($0.etag.utf8) })
    }

    @Test func entriesRoundTripInKeyOrderAndCRCsAboveInt64Survive() throws {
        let dir = try TemporaryDirectory("index-store")
        defer { dir.remove() }
        let path = UploadIndex.path(endpoint: "http://e", bucket: "b", in: StateDirectory(path: dir.url.path))
        var warnings: [String] = []
        let index = try UploadIndex.open(at: path, warnings: &warnings)
        let written = [Self.entry("b/ü"), Self.entry("a", crc: UInt64.max - 3), Self.entry("b/a", inode: UInt64.max)]
        try index.write(written)
        var read: [IndexEntry] = []
        try index.scan { read.append($0) }
        #expect(read.map(\.key) == ["a", "b/a", "b/ü"])
        #expect(read[0].crc64 == UInt64.max - 3 && read[1].identity.inode == UInt64.max)
        #expect(read[0].identity == written[1].identity && read[0].ctimeNanoseconds == written[1].ctimeNanoseconds)
        #expect(try index.entries(inode: UInt64.max, device: 2).map(\.key) == ["b/a"])
        #expect(warnings.isEmpty)
        var st = stat()
        #expect(stat(path, &st) == 0 && st.st_mode & 0o777 == 0o600)
        #expect(try index.entry(key: "b/a") != nil && index.entry(key: "nope") == nil)
    }

    /// `plan` opens an index in a directory it may not write immutable, through a `file:` URI: a state
    /// directory whose path has `?`, `#` or `%` in it must still name the file, not a query.
    @Test func anIndexIsOpenedImmutableUnderAPathWithURISyntaxInIt() throws {
        let dir = try TemporaryDirectory("index-uri")
        defer { dir.remove() }
        let path = UploadIndex.path(
            endpoint: "http://e",
            bucket: "b",
            in: StateDirectory(path: dir.url.path + "/s?a=1#b%41 é")
        )
        var warnings: [String] = []
        do {
            let index = try UploadIndex.open(at: path, warnings: &warnings)
            try index.write([Self.entry("a"), Self.entry("b"), Self.entry("c")])
        }
        // The last connection closed: the -wal was checkpointed into the file and removed.
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        let reader = try SQLiteDatabase(readingOnly: path, immutable: true)
        #expect(try reader.scalar("SELECT count(*) FROM objects") == "3")
        #expect(!FileManager.default.fileExists(atPath: path + "-shm"))
        #expect(try UploadIndex.openForReading(at: path).entry(key: "b") != nil)
        #expect(warnings.isEmpty)
    }

    /// A plan reads only its own stretch of keys, whole or in parts: other prefixes' rows (other hosts, other
    /// nights' dated snapshots) are not read at all.
    @Test func aScanReadsOnlyTheKeysFromItsFirstThroughItsLast() throws {
        struct Keys: UploadIndex.VersionReader {
            var keys: [String] = []
            mutating func read(_ version: UploadIndex.Version, etag: () -> [UInt8]) {
                keys.append(String(decoding: version.key, as: UTF8.self))
            }
        }
        let dir = try TemporaryDirectory("index-range")
        defer { dir.remove() }
        var warnings: [String] = []
        let index = try UploadIndex.open(at: dir.url.path + "/i.sqlite", warnings: &warnings)
        let keys = ["2026-12-01/a", "2026-12-02/a", "2026-12-02/b", "2026-12-02/b/c", "2026-12-02/d", "2026-12-03/a"]
        try index.write(keys.map { Self.entry($0) })
        var whole: [String] = []
        try index.scanVersions(from: "2026-12-02/a", through: "2026-12-02/d") { version, _ in
            whole.append(String(decoding: version.key, as: UTF8.self))
        }
        #expect(whole == Array(keys[1...4]))
        let parts = try index.scanVersions(
            in: [Keys(), Keys(), Keys()],
            from: "2026-12-02/a",
            splits: ["2026-12-02/b", "2026-12-02/c"],
            through: "2026-12-02/d"
        )
        #expect(parts.map(\.keys) == [["2026-12-02/a"], ["2026-12-02/b", "2026-12-02/b/c"], ["2026-12-02/d"]])
        var all: [String] = []
        try index.scanVersions { version, _ in all.append(String(decoding: version.key, as: UTF8.self)) }
        #expect(all == keys)
    }

    @Test func lookupsByInodeGoThroughAnIndexOnDiskMadeOnFirstUseAndSeeLaterWrites() throws {
        let dir = try TemporaryDirectory("index-inode")
        defer { dir.remove() }
        var warnings: [String] = []
        let path = dir.url.path + "/i.sqlite"
        let index = try UploadIndex.open(at: path, warnings: &warnings)
        try index.write([Self.entry("a", inode: 7), Self.entry("b", inode: 8)])
        let reader = try SQLiteDatabase(path: path, create: false)
        let made = "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'objects_by_inode'"
        // An index only `skip` uses does not carry it (another copy of every key).
        #expect(try reader.scalar(made) == "0")
        #expect(try index.entries(inode: 7, device: 2).map(\.key) == ["a"])
        #expect(try reader.scalar(made) == "1")
        // Entries written after the first lookup are found (a map made at the first lookup missed them).
        try index.write([Self.entry("c", inode: 7)])
        #expect(try index.entries(inode: 7, device: 2).map(\.key).sorted() == ["a", "c"])
        #expect(try index.entries(inode: 7, device: 3).isEmpty)
        #expect(try index.entries(inode: 9, device: 2).isEmpty)
        // Reopened, it is still there and still used.
        let again = try UploadIndex.open(at: path, warnings: &warnings)
        #expect(try again.entries(inode: 8, device: 2).map(\.key) == ["b"])
        #expect(warnings.isEmpty)
    }

    @Test func restoringAResumedReportRemovesAnotherReportsEntryOfItsKeysAndWritesTheRest() throws {
        let dir = try TemporaryDirectory("index-restore")
        defer { dir.remove() }
        var warnings: [String] = []
        let index = try UploadIndex.open(at: dir.url.path + "/i.sqlite", warnings: &warnings)
        try index.write([Self.entry("k", crc: 1, report: "old"), Self.entry("m", crc: 1, report: "new")])
        try index.write([Self.entry("k", crc: 2, report: "new")])
        // "old" is resumed: it uploaded k too, before or after "new" did; the index vouches for neither.
        try index.write(
            [Self.entry("k", crc: 3, report: "old"), Self.entry("m", crc: 3, report: "new"), Self.entry("n", crc: 3)],
            restoring: true
        )
        #expect(try index.entry(key: "k") == nil)
        #expect(try index.entry(key: "m")?.crc64 == 3)
        #expect(try index.entry(key: "n")?.crc64 == 3)
        // Its own entry of a key is replaced.
        try index.write([Self.entry("n", crc: 4)], restoring: true)
        #expect(try index.entry(key: "n")?.crc64 == 4)
        // "k" stays buried: resuming "old" again does not bring its entry back.
        try index.write([Self.entry("k", crc: 3, report: "old")], restoring: true)
        #expect(try index.entry(key: "k") == nil)
    }

    @Test func aKeyTakenOutOfTheIndexStaysOutWhenTheReportThatUploadedItIsResumed() throws {
        // Another batch replaced (or may have replaced) "k": its entry is buried, not deleted, so that a resume
        // of the report that wrote it, which fills in keys without an entry (a kill -9 before the flush), does
        // not bring it back. A new upload of the key replaces the tombstone.
        let dir = try TemporaryDirectory("index-tombstone")
        defer { dir.remove() }
        var warnings: [String] = []
        let index = try UploadIndex.open(at: dir.url.path + "/i.sqlite", warnings: &warnings)
        try index.write([Self.entry("k", crc: 1, report: "nightly"), Self.entry("m", crc: 1, report: "nightly")])
        try index.write([], removing: ["k"])
        #expect(try index.entry(key: "k") == nil)
        var scanned: [String] = []
        try index.scan { scanned.append($0.key) }
        #expect(scanned == ["m"])
        try index.write([Self.entry("k", crc: 1, report: "nightly")], restoring: true)
        #expect(try index.entry(key: "k") == nil)
        try index.write([Self.entry("k", crc: 2, report: "nightly")])
        #expect(try index.entry(key: "k")?.crc64 == 2)
        // A key with no entry (a kill -9 before the flush) replaced by another batch gets a tombstone all the
        // same: the resume of the report that uploaded it first must not write its entry after all.
        try index.write([], removing: ["v"])
        try index.write([Self.entry("v", crc: 1, report: "nightly")], restoring: true)
        #expect(try index.entry(key: "v") == nil)
        var live: [String] = []
        try index.scan { live.append($0.key) }
        #expect(live == ["k", "m"])
    }

    /// Keys that are not UTF-8 (rows written by hand or by another tool) are paged past as the bytes they are,
    /// and left alone. Before, the last key of a page was read back as text (U+FFFD for the bad byte), the
    /// next page began before it again, and `index prune` went round for ever at 100% CPU.
    @Test func pagingPastKeysThatAreNotUTF8EndsAndLeavesThemAlone() throws {
        let dir = try TemporaryDirectory("index-prune-bytes")
        defer { dir.remove() }
        let path = UploadIndex.path(endpoint: "http://e", bucket: "b", in: StateDirectory(path: dir.url.path))
        var warnings: [String] = []
        let index = try UploadIndex.open(at: path, warnings: &warnings)
        try index.write(["a/ok1", "a/ok2"].map { Self.entry($0) })
        let db = try SQLiteDatabase(path: path, create: false)
        try db.execute(
            "WITH RECURSIVE n(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM n WHERE value < 5) "
                + "INSERT INTO objects SELECT CAST(x'612fff' AS TEXT) || printf('%02d', value), dir, name, size, "
                + "mtime_ns, ctime_ns, inode, device, crc64, etag, options_hash, uploaded_at, report FROM objects, n "
                + "WHERE key = 'a/ok1'"
        )
        var pages = 0
        var keys: [String] = []
        try index.forEachPageOfKeys(under: "a/", confirmedBefore: 100, pageSize: 2) { (page) throws(SQLiteError) in
            pages += 1
            keys += page
            guard pages <= 20 else { throw SQLiteError(code: 1, message: "paging does not end") }
        }
        #expect(keys == ["a/ok1", "a/ok2"])
        #expect(pages == 4)
    }

    /// `ossbatch index prune`'s two steps: the keys under a prefix confirmed before a moment, then their removal,
    /// which spares an entry a run confirmed again in between.
    @Test func pruningListsOldKeysUnderAPrefixAndSparesOnesConfirmedSince() throws {
        let dir = try TemporaryDirectory("index-prune")
        defer { dir.remove() }
        let path = UploadIndex.path(endpoint: "http://e", bucket: "b", in: StateDirectory(path: dir.url.path))
        var warnings: [String] = []
        let index = try UploadIndex.open(at: path, warnings: &warnings)
        var entries = ["web01/1/a", "web01/1/b", "web01/2/a", "web010/x", "web02/1/a"].map { Self.entry($0) }
        entries[2].uploadedAt = 500
        try index.write(entries)
        // `web010/x` shares the text `web01` but not the prefix `web01/`; `web01/2/a` is younger than 100. In
        // pages of one row, the last page ends at a key without the prefix.
        var pages: [[String]] = []
        try index.forEachPageOfKeys(under: "web01/", confirmedBefore: 100, pageSize: 1) { pages.append($0) }
        #expect(pages == [["web01/1/a"], ["web01/1/b"], [], []])
        var whole: [String] = []
        try index.forEachPageOfKeys(under: "web01/", confirmedBefore: 100) { whole += $0 }
        #expect(whole == ["web01/1/a", "web01/1/b"])
        var again = entries[1]
        again.uploadedAt = 200
        try index.write([again])
        try index.remove(keys: ["web01/1/a", "web01/1/b"], confirmedBefore: 100)
        var left: [String] = []
        try index.scan { left.append($0.key) }
        #expect(left == ["web01/1/b", "web01/2/a", "web010/x", "web02/1/a"])
    }

    @Test func aFileThatIsNotAnIndexIsRebuiltWithAWarning() throws {
        let dir = try TemporaryDirectory("index-garbage")
        defer { dir.remove() }
        let path = try dir.write("i.sqlite", "this is not a database, it is a text file of some length\n").path
        var warnings: [String] = []
        let index = try UploadIndex.open(at: path, warnings: &warnings)
        #expect(warnings.count == 1 && warnings[0].contains("rebuilding"))
        try index.write([Self.entry("a")])
        #expect(try index.entry(key: "a") != nil)
    }

    /// A failure that is not the file's damage (here SQLite cannot open the `-wal` file beside it; a full
    /// disk or an I/O error alike) leaves the index as it is: before, it was deleted as if damaged, and the
    /// next night uploaded every file again. Once the cause is gone the entries are there.
    @Test func anIndexThatCannotBeOpenedForAReasonNotItsOwnIsLeftAsItIs() throws {
        let dir = try TemporaryDirectory("index-transient")
        defer { dir.remove() }
        let path = dir.url.path + "/i.sqlite"
        var warnings: [String] = []
        do { try UploadIndex.open(at: path, warnings: &warnings).write([Self.entry("a")]) }
        for suffix in ["-wal", "-shm"] { unlink(path + suffix) }
        #expect(mkdir(path + "-wal", 0o700) == 0)
        #expect(throws: StateFileError.self) { try UploadIndex.open(at: path, warnings: &warnings) }
        #expect(warnings.isEmpty, "\(warnings)")
        #expect(rmdir(path + "-wal") == 0)
        #expect(try UploadIndex.open(at: path, warnings: &warnings).entry(key: "a") != nil)
        #expect(warnings.isEmpty, "\(warnings)")
    }

    /// A database of another tool's tables under the index's names (an `objects` of other columns, or ours
    /// without the key's uniqueness), with or without the index's schema version: rebuilt with a warning,
    /// then used. Before, `CREATE TABLE IF NOT EXISTS` kept the foreign table and stamped the version on it,
    /// and every night failed to read and write the index, for good.
    @Test(arguments: [
        "CREATE TABLE objects(k, v)",
        "CREATE TABLE objects(k, v); PRAGMA user_version=1",
        "CREATE TABLE reports(id INTEGER PRIMARY KEY, path); CREATE TABLE dirs(id INTEGER PRIMARY KEY, path); "
            + "CREATE TABLE objects(key, dir, name, size, mtime_ns, ctime_ns, inode, device, crc64, etag, "
            + "options_hash, uploaded_at, report); PRAGMA user_version=1",
    ])
    func aDatabaseOfAnotherSchemaIsRebuiltWithAWarning(schema: String) throws {
        let dir = try TemporaryDirectory("index-foreign")
        defer { dir.remove() }
        let path = dir.url.path + "/i.sqlite"
        try SQLiteDatabase(path: path).execute(schema)
        chmod(path, 0o600)
        var warnings: [String] = []
        let index = try UploadIndex.open(at: path, warnings: &warnings)
        #expect(warnings.count == 1 && warnings[0].contains("rebuilding"), "\(warnings)")
        try index.write([Self.entry("a")])
        try index.write([Self.entry("a", crc: 2)])
        var rows: [IndexEntry] = []
        try index.scan { rows.append($0) }
        #expect(rows.map(\.crc64) == [2])
        warnings = []
        _ = try UploadIndex.open(at: path, warnings: &warnings)
        #expect(warnings.isEmpty, "\(warnings)")
    }

    /// An index at `dir/i.sqlite` a run has open, with its entry of "a" written, then deleted by hand (its file,
    /// `-wal` and `-shm`; the lineage file left, as `rm i.sqlite*` of the index alone leaves it).
    static func deletedWhileOpen(in dir: TemporaryDirectory) throws -> (path: String, running: UploadIndex) {
        let path = dir.url.path + "/i.sqlite"
        var warnings: [String] = []
        let running = try UploadIndex.open(at: path, warnings: &warnings)
        try running.write([Self.entry("a")])
        for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
        return (path, running)
    }

    /// The keys of the entries of the index at `path`, opened anew; `warnings` gets what the open says.
    static func keys(at path: String, warnings: inout [String]) throws -> [String] {
        var keys: [String] = []
        try UploadIndex.open(at: path, warnings: &warnings).scan { keys.append($0.key) }
        return keys
    }

    /// A tombstone laid over an old entry (another batch's upload of its key, a stale entry `--verify-remote`
    /// found) is dated when it is laid: kept at the entry's date, `prune` took it with a night long gone, and a
    /// resume of the killed report that had uploaded the key first wrote its entry back (review of 572eea5).
    @Test func aTombstoneLaidOverAnOldEntryIsDatedWhenItIsLaid() throws {
        let dir = try TemporaryDirectory("index-tombstone-date")
        defer { dir.remove() }
        let path = UploadIndex.path(endpoint: "http://e", bucket: "b", in: StateDirectory(path: dir.url.path))
        var warnings: [String] = []
        let index = try UploadIndex.open(at: path, warnings: &warnings)
        try index.write(["a", "b", "c"].map { Self.entry($0, report: "other") })  // uploaded_at 1
        let before = Int64(Date().timeIntervalSince1970)
        #expect(try index.buryAhead(key: "a", report: "r1", keeping: { _, _ in false }))
        try index.bury(key: "b")
        try index.write([Self.entry("c")], removing: [], restoring: true)
        let db = try SQLiteDatabase(path: path, create: false)
        for key in ["a", "b", "c"] {
            let dated = try #require(
                try db.scalar("SELECT uploaded_at FROM objects WHERE key = '\(key)' AND size = -1")
            )
            #expect(Int64(dated).map { $0 >= before } == true, "\(key): \(dated)")
        }
    }

    /// A key's lookup that fails (here its statement cannot be prepared: a table renamed under the open index;
    /// an I/O error or no memory does the same) says nothing of its row: a tombstone is laid, as for an entry.
    /// Before, the failure was taken for no row and the upload went ahead under whatever entry the key had.
    @Test func aLookupThatFailsBeforeAnUploadLaysATombstoneAllTheSame() throws {
        let dir = try TemporaryDirectory("index-lookup-fails")
        defer { dir.remove() }
        let path = UploadIndex.path(endpoint: "http://e", bucket: "b", in: StateDirectory(path: dir.url.path))
        var warnings: [String] = []
        let index = try UploadIndex.open(at: path, warnings: &warnings)
        try index.write([Self.entry("a", report: "other")])
        try SQLiteDatabase(path: path, create: false).execute("ALTER TABLE dirs RENAME TO dirs_elsewhere")
        #expect(try index.buryAhead(key: "a", report: "r1", keeping: { _, _ in false }), "a write")
        let db = try SQLiteDatabase(path: path, create: false)
        #expect(try db.scalar("SELECT size FROM objects WHERE key = 'a'") == "-1")
    }

    /// The index deleted while a run has it open, and made anew by a batch started after: the run's writes and
    /// burials go to the file now at the path. Before, they went on into the deleted file: what the run buried
    /// (the new batch's entry of a key it replaced) was lost, and that batch's next night skipped its file.
    @Test func writesAfterTheIndexWasDeletedGoToTheFileNowAtItsPath() throws {
        let dir = try TemporaryDirectory("index-deleted")
        defer { dir.remove() }
        let (path, running) = try Self.deletedWhileOpen(in: dir)
        var warnings: [String] = []
        let later = try UploadIndex.open(at: path, warnings: &warnings)
        try later.write([Self.entry("k", report: "other")])

        try running.write([Self.entry("b")])
        #expect(try running.buryAhead(key: "k", report: "r1", keeping: { _, _ in false }))
        #expect(
            try Self.keys(at: path, warnings: &warnings) == ["b"],
            "the run's entry in the index at the path, the other batch's entry buried"
        )
    }

    /// The index deleted by hand while a run has it open, and no other batch making it anew: the run's next
    /// write makes it, as `open` would. Before, the new file's lineage was compared with the deleted one's, still
    /// on disk, and every write failed for the rest of the night (each upload `IndexUnwritable`, exit 1).
    @Test func writesAfterTheIndexWasDeletedByHandMakeItAnew() throws {
        let dir = try TemporaryDirectory("index-deleted-alone")
        defer { dir.remove() }
        let (path, running) = try Self.deletedWhileOpen(in: dir)

        try running.write([Self.entry("b")])
        #expect(try running.buryAhead(key: "c", report: "r1", keeping: { _, _ in false }) == false)
        var warnings: [String] = []
        #expect(try Self.keys(at: path, warnings: &warnings) == ["b"], "the run's entry in the index made anew")
        #expect(warnings.isEmpty, "\(warnings)")
    }

    /// A write rolled back (here a trigger refusing one entry, as a full disk refuses a commit) takes back the
    /// report and directory rows it added; their ids, given again to another batch's rows, must not be used
    /// for this run's next entries. Before, they were kept: the next entries named the other batch's report and
    /// directory, and that batch's resume took them for its own.
    @Test func rowsAWriteRolledBackAddedAreNotUsedAfterIt() throws {
        let dir = try TemporaryDirectory("index-rollback")
        defer { dir.remove() }
        let path = dir.url.path + "/i.sqlite"
        var warnings: [String] = []
        let running = try UploadIndex.open(at: path, warnings: &warnings)
        let other = try UploadIndex.open(at: path, warnings: &warnings)
        let raw = try SQLiteDatabase(path: path, create: false)
        try raw.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON objects WHEN NEW.name = 'boom' BEGIN SELECT RAISE(ABORT, 'no'); END"
        )
        var boom = Self.entry("boom", report: "mine")
        boom.source = "/mine/boom"
        #expect(throws: SQLiteError.self) { try running.write([boom]) }
        try raw.execute("DROP TRIGGER refuse")
        var theirs = Self.entry("t", report: "theirs")
        theirs.source = "/theirs/t"
        try other.write([theirs])

        var mine = Self.entry("k", report: "mine")
        mine.source = "/mine/k"
        try running.write([mine])
        let owner =
            "SELECT r.path || ' ' || d.path FROM objects o JOIN reports r ON r.id = o.report "
            + "JOIN dirs d ON d.id = o.dir WHERE o.key = "
        #expect(try raw.scalar(owner + "'k'") == "mine /mine")
        #expect(try raw.scalar(owner + "'t'") == "theirs /theirs")
    }

    @Test func theOptionsHashChangesWithAnyOption() {
        let base = ObjectOptions(contentType: "text/plain", metadata: ["a": "1"])
        var other = base
        other.metadata["a"] = "2"
        var tagged = base
        tagged.tags = ["t": "x"]
        #expect(base.indexHash == ObjectOptions(contentType: "text/plain", metadata: ["a": "1"]).indexHash)
        #expect(Set([base.indexHash, other.indexHash, tagged.indexHash]).count == 3)
    }

    /// `forbid_overwrite` is a condition on the request, not part of the object: turning it on must not make
    /// every unchanged file look changed (each was then sent again and refused 409, every night, exit 1).
    @Test func theOptionsHashIgnoresForbidOverwrite() {
        let base = ObjectOptions(contentType: "text/plain", metadata: ["a": "1"])
        var forbidding = base
        forbidding.forbidOverwrite = true
        #expect(forbidding.indexHash == base.indexHash)
        // Entries written before the flag left the hash: theirs (the flag's canonical form in) still counts,
        // for options that forbid overwriting only.
        let before = forbidding.canonicalFormHash
        #expect(before != base.indexHash && base.canonicalFormHash == base.indexHash)
        #expect(forbidding.matchesIndexHash(before) && forbidding.matchesIndexHash(base.indexHash))
        #expect(!base.matchesIndexHash(before))
    }
}
