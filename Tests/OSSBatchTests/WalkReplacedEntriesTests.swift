import Foundation
import LocalFiles
import TestSupport
import Testing

@testable import OSSBatch

/// Entries replaced while the walk goes on — by a symbolic link another user of the tree puts where a
/// directory or file was listed — are left out as gone: the walk never plans what such a link leads to.
@Suite struct WalkReplacedEntriesTests {
    /// `root/p/a/x.txt`, `root/p/z/ok.txt` and `ok2.txt`, with `root/q/` beside `p` (so that `p` is walked by
    /// one thread, `a` before `z`, `ok.txt` before `ok2.txt`), and `outside/secret.txt` beside the root. When
    /// the walk finds `trigger`, `swap` replaces something — what a user who may write `p` can do while a
    /// nightly run as root walks it. The files found.
    private static func walk(
        swappingAt trigger: String,
        _ swap: @escaping @Sendable (_ directory: TemporaryDirectory) throws -> Void
    ) throws -> [String] {
        let dir = try TemporaryDirectory("ossbatch-walk-swap")
        defer { dir.remove() }
        let fm = FileManager.default
        for path in ["root/p/a", "root/p/z", "root/q", "outside"] {
            try fm.createDirectory(atPath: dir.path + "/" + path, withIntermediateDirectories: true)
        }
        for path in ["root/p/a/x.txt", "root/p/z/ok.txt", "root/p/z/ok2.txt", "root/q/y.txt", "outside/secret.txt"] {
            #expect(fm.createFile(atPath: dir.path + "/" + path, contents: Data("x".utf8)))
        }
        let root = dir.path + "/root"
        let walk = FileWalker(followSymlinks: false).walk(root: root, rootStatus: try FileStatus.stat(root)) {
            { file in
                if file.relative == trigger { try? swap(dir) }
                return file.relative
            }
        }
        #expect(walk.problems.isEmpty)
        return walk.chunks.flatMap { $0 }
    }

    /// Without the check, `p/z/secret.txt` was planned: the directory was told from the listing, stat'ed
    /// without following links, and then opened by its path, which follows them (review of ca63f16).
    @Test func aDirectoryReplacedByALinkAfterTheListingIsNotFollowed() throws {
        let found = try Self.walk(swappingAt: "p/a/x.txt") { dir in
            try FileManager.default.moveItem(atPath: dir.path + "/root/p/z", toPath: dir.path + "/root/p/z.old")
            try FileManager.default.createSymbolicLink(
                atPath: dir.path + "/root/p/z",
                withDestinationPath: dir.path + "/outside"
            )
        }
        #expect(found == ["p/a/x.txt", "q/y.txt"])
    }

    /// A file replaced by a link after its directory was listed is not planned (as the link's own status).
    @Test func aFileReplacedByALinkAfterTheListingIsLeftOut() throws {
        let found = try Self.walk(swappingAt: "p/z/ok.txt") { dir in
            try FileManager.default.removeItem(atPath: dir.path + "/root/p/z/ok2.txt")
            try FileManager.default.createSymbolicLink(
                atPath: dir.path + "/root/p/z/ok2.txt",
                withDestinationPath: dir.path + "/outside/secret.txt"
            )
        }
        #expect(found == ["p/a/x.txt", "p/z/ok.txt", "q/y.txt"])
    }
}
