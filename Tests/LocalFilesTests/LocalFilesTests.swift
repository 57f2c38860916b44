import Foundation
import LocalFiles
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct LocalFilesTests {
    @Test func statReportsSizeKindAndIdentity() throws {
        let dir = try TemporaryDirectory("localfiles")
        defer { dir.remove() }
        let file = try dir.write("f.txt", "12345").path
        let status = try FileStatus.stat(file)
        #expect(status.kind == .regular)
        #expect(status.size == 5)
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        #expect(status.inode == (attributes[.systemFileNumber] as? NSNumber)?.uint64Value)
        let mtime = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        #expect(abs(Double(status.mtimeNanoseconds) / 1e9 - mtime) < 0.001)
        #expect(try FileStatus.stat(dir.path).kind == .directory)
    }

    @Test func fileSystemIdentityIsWhatGNUStatSaysOfTheFileSystem() async throws {
        let dir = try TemporaryDirectory("localfiles-statfs")
        defer { dir.remove() }
        let file = try dir.write("f.txt", "x").path
        // /proc gives no id (0): the case where identities keep st_dev.
        for path in [file, dir.path, "/proc/self"] {
            let gnu = try await ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/stat"), ["-f", "-c", "%t %i", path])
            let fields = gnu.stdout.split(whereSeparator: \.isWhitespace).compactMap { UInt64($0, radix: 16) }
            try #require(fields.count == 2, "stat -f: \(gnu.stdout) \(gnu.stderr)")
            #expect(FileSystemIdentity.of(path: path) == FileSystemIdentity(type: fields[0], id: fields[1]), "\(path)")
        }
        let fd = open(file, O_RDONLY)
        defer { close(fd) }
        #expect(FileSystemIdentity.of(descriptor: fd) == FileSystemIdentity.of(path: file))
        #expect(FileSystemIdentity.of(path: dir.path + "/missing") == nil)
        #expect(FileSystemIdentity.of(descriptor: -1) == nil)
    }

    @Test func timesBeyondWhatNanosecondsHoldAreHeldAtTheNearestEndNotATrap() throws {
        // `touch -d 2300-01-01` and an archive's bogus times: an Int64 of nanoseconds ends in 2262 and
        // begins in 1677; multiplied without care, one such file stopped the whole plan.
        let dir = try TemporaryDirectory("localfiles-times")
        defer { dir.remove() }
        let file = try dir.write("f.txt", "x").path
        let cases: [(seconds: Int, expected: Int64)] = [
            (10_413_792_000, .max),  // 2300-01-01
            (9_223_372_036, 9_223_372_036_000_000_123),  // the last whole second that fits, and its ns
            (-1, -999_999_877),  // one second before the epoch, plus 123 ns
        ]
        for (seconds, expected) in cases {
            var times = [timespec(tv_sec: seconds, tv_nsec: 123), timespec(tv_sec: seconds, tv_nsec: 123)]
            #expect(utimensat(AT_FDCWD, file, &times, 0) == 0, "this file system takes \(seconds)")
            #expect(try FileStatus.stat(file).mtimeNanoseconds == expected, "\(seconds) s")
            #expect(try FileStatus.lstat(file).mtimeNanoseconds == expected, "\(seconds) s")
        }
        // ext4 keeps nothing before 1901, so the other end is checked on the conversion alone.
        #expect(FileStatus.nanoseconds(timespec(tv_sec: -11_676_096_000, tv_nsec: 0)) == .min)  // 1600-01-01
        #expect(FileStatus.nanoseconds(timespec(tv_sec: 9_223_372_036, tv_nsec: 999_999_999)) == .max)
        #expect(FileStatus.nanoseconds(timespec(tv_sec: -9_223_372_036, tv_nsec: 0)) == -9_223_372_036_000_000_000)
        // The ctime is the kernel's clock: always within range.
        #expect(try FileStatus.stat(file).ctimeNanoseconds > 1_700_000_000_000_000_000)
    }

    func packed(_ keys: [[UInt8]]) -> ByteOrder.PackedKeys {
        var packed = ByteOrder.PackedKeys(count: keys.count)
        for key in keys { packed.append(bytes: key) }
        return packed
    }

    @Test func packedKeysSortLikeAByteComparisonWhateverPrefixesTheyShare() {
        // Keys sharing a long prefix, differing only past the first 8 bytes after it, prefixes of each
        // other, with NUL and 0xFF bytes: the integer windows must never disagree with a plain byte sort.
        var generator = SeededRandom()
        for round in 0..<200 {
            let shared = [UInt8](repeating: 0x72, count: round % 12)
            let keys: [[UInt8]] = (0..<(1 + round % 40)).map { _ in
                shared
                    + (0..<Int.random(in: 0...14, using: &generator)).map { _ in
                        [0, 1, 0x2F, 0x61, 0xFF].randomElement(using: &generator)!
                    }
            }
            let expected = keys.indices.sorted { keys[$0].lexicographicallyPrecedes(keys[$1]) }
            #expect(packed(keys).sortedPositions() == expected, "keys: \(keys), \(generator)")
        }
        var names = ByteOrder.PackedKeys()
        for name in ["record-00010.json", "record-00002.json", "record-00001.json.bak", "record-00001.json", "dir/"] {
            names.append(name)
        }
        #expect(names.sortedPositions() == [4, 3, 2, 1, 0])
    }

    @Test func joinedStringsEqualAStringByteForByteWhereverTheyAreCut() {
        let whole = "nightly/part-00/ré😀.json"
        // Every cut at a character boundary, and the bytes of other strings near it.
        for cut in whole.indices + [whole.endIndex] {
            let (a, b) = (String(whole[..<cut]), String(whole[cut...]))
            #expect(ByteOrder.equals(joining: a, b, whole), "cut after \(a)")
            #expect(!ByteOrder.equals(joining: a, b + "x", whole))
            #expect(!ByteOrder.equals(joining: a, b, whole + "/"))
            #expect(!ByteOrder.equals(joining: "x" + a, String(b.dropFirst()), whole))
        }
        #expect(ByteOrder.equals(joining: "", "", ""))
        #expect(!ByteOrder.equals(joining: "", "", "a"))
        // Bytes, not Unicode equivalence: "e" + combining acute is not "é".
        #expect(!ByteOrder.equals(joining: "r", "e\u{301}", "r\u{E9}"))
    }

    @Test func theOrderOfJoinedBytesIsTheOrderOfTheWholeWhereverEitherSideIsCut() {
        let keys = ["", "a", "a.txt", "a/", "a/b", "ab", "b", "nightly/part-00/r\u{E9}.json", "nightly/part-00/re"]
        for x in keys {
            for y in keys {
                let (bx, by) = (Array(x.utf8), Array(y.utf8))
                let expected = bx.lexicographicallyPrecedes(by) ? -1 : (bx == by ? 0 : 1)
                for i in 0...bx.count {
                    for j in 0...by.count {
                        let (x1, x2, y1, y2) = (Array(bx[..<i]), Array(bx[i...]), Array(by[..<j]), Array(by[j...]))
                        let order = ByteOrder.order(joining: x1.span, x2.span, y1.span, y2.span)
                        #expect(order.signum() == expected, "\(x) cut at \(i), \(y) cut at \(j)")
                    }
                }
                #expect(ByteOrder.equals(bx.span, by.span) == (bx == by))
            }
        }
    }

    @Test func byteOrderComparesRawBytesWithPrefixesFirst() {
        let names: [[UInt8]] = [
            Array("b".utf8), Array("a".utf8), Array("é".utf8), Array("ab".utf8), Array("a/".utf8),
            Array("a.txt".utf8), [0xFF], [],
        ]
        let sorted = packed(names).sortedPositions().map { names[$0] }
        // Byte order, not Unicode or locale order: "." (0x2E) < "/" (0x2F) < letters < UTF-8 lead bytes < 0xFF.
        #expect(
            sorted == [
                [], Array("a".utf8), Array("a.txt".utf8), Array("a/".utf8), Array("ab".utf8), Array("b".utf8),
                Array("é".utf8), [0xFF],
            ]
        )
        #expect(!ByteOrder.precedes("a", "a"))
        #expect(packed([[1], [0], [1], []]).sortedPositions() == [3, 1, 0, 2])  // stable for equal keys
        #expect(packed([]).sortedPositions().isEmpty)
        // Strings compare by their UTF-8 bytes, even when not in normal form ("e" + combining acute < "é").
        #expect(ByteOrder.precedes("e\u{301}", "\u{E9}"))
        #expect(!ByteOrder.precedes("\u{E9}", "e\u{301}"))
        #expect(ByteOrder.precedes("Z", "a") && ByteOrder.precedes("key", "key/"))
    }

    @Test func missingPathsThrowWithTheirErrno() {
        #expect(throws: FileSystemError.self) { try FileStatus.stat("/nonexistent/ossbatch") }
        do {
            _ = try FileStatus.stat("/nonexistent/ossbatch")
        } catch {
            #expect(error.doesNotExist)
            #expect(error.description.contains("/nonexistent/ossbatch"))
        }
    }

    @Test func lstatSeesTheLinkAndStatItsTarget() throws {
        let dir = try TemporaryDirectory("localfiles")
        defer { dir.remove() }
        try dir.write("target.txt", "x")
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/link", withDestinationPath: "target.txt")
        #expect(try FileStatus.lstat(dir.path + "/link").kind == .symlink)
        #expect(try FileStatus.stat(dir.path + "/link").kind == .regular)
    }

    @Test func directoryListsEveryEntryButDotAndDotDot() throws {
        let dir = try TemporaryDirectory("localfiles")
        defer { dir.remove() }
        try dir.write("a", "")
        try dir.write("sub/b", "")
        let entries = try Directory(path: dir.path).entries()
        #expect(Set(entries.compactMap(\.utf8Name)) == ["a", "sub"])
        #expect(entries.first { $0.utf8Name == "sub" }?.kind == .directory)
    }

    @Test func permissionBitsDecideReadabilityForOrdinaryUsers() {
        let user = ProcessIdentity(user: 1000, groups: [1000])
        let mine = FileStatus(
            kind: .regular,
            size: 0,
            mtimeNanoseconds: 0,
            inode: 1,
            device: 1,
            permissions: 0o000,
            owner: 1000,
            group: 1000
        )
        #expect(!user.mayRead(mine))
        var readable = mine
        readable.permissions = 0o400
        #expect(user.mayRead(readable))
        var others = mine
        others.owner = 0
        others.group = 0
        others.permissions = 0o004
        #expect(user.mayRead(others))
        #expect(ProcessIdentity(user: 0, groups: [0]).mayRead(mine))
    }

    @Test func byteSearchFindsTheFirstByteFromAnIndex() {
        let bytes = Array("ab\ncd\n".utf8)
        #expect(ByteSearch.firstIndex(of: UInt8(ascii: "\n"), in: bytes, from: 0) == 2)
        #expect(ByteSearch.firstIndex(of: UInt8(ascii: "\n"), in: bytes, from: 2) == 2)
        #expect(ByteSearch.firstIndex(of: UInt8(ascii: "\n"), in: bytes, from: 3) == 5)
        #expect(ByteSearch.firstIndex(of: UInt8(ascii: "\n"), in: bytes, from: 6) == nil)
        #expect(ByteSearch.firstIndex(of: UInt8(ascii: "x"), in: bytes, from: 0) == nil)
        #expect(ByteSearch.firstIndex(of: 0, in: [], from: 0) == nil)
    }

    @Test func byteSearchFindsAByteInAStringWhereverItIs() {
        // Small strings (kept inside the value) and large ones (on the heap), the byte first, inside, last.
        for text in ["a/b", "/ab", "ab/", "nightly/part-00/batch-00/record-00001.json", "r\u{E9}/\u{1F600}"] {
            #expect(ByteSearch.contains(UInt8(ascii: "/"), in: text), "\(text)")
            #expect(!ByteSearch.contains(0, in: text), "\(text)")
        }
        #expect(
            ByteSearch.contains(0, in: "a\0b") && ByteSearch.contains(0, in: String(repeating: "x", count: 40) + "\0")
        )
        #expect(
            !ByteSearch.contains(UInt8(ascii: "/"), in: "") && !ByteSearch.contains(UInt8(ascii: "/"), in: "name.json")
        )
        // Bytes, not characters: the lead byte of "é" is there, "e" is not.
        #expect(ByteSearch.contains(0xC3, in: "r\u{E9}") && !ByteSearch.contains(UInt8(ascii: "e"), in: "r\u{E9}"))
    }

    @Test func aReadAtAnOffsetLeavesTheFilePositionAlone() throws {
        let path = NSTemporaryDirectory() + "/pread-\(getpid())"
        defer { unlink(path) }
        #expect(FileManager.default.createFile(atPath: path, contents: Data("0123456789".utf8)))
        let file = try #require(try StateFile.openForReading(path, maximumSize: 100))
        #expect(try file.read(upToCount: 3, at: 4) == Array("456".utf8))
        #expect(try file.read(upToCount: 10, at: 8) == Array("89".utf8))
        #expect(try file.read(upToCount: 2) == Array("01".utf8))
    }
}
