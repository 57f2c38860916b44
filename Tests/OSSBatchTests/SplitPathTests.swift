import Foundation
import OSSProtocol
import Testing

@testable import OSSBatch

@Suite struct SplitPathTests {
    @Test func aPathSplitsAfterItsLastSlashAndJoinsBackWhole() {
        let path = SplitPath("/data/exports/2026/a.csv")
        #expect(path.directory == "/data/exports/2026/" && path.name == "a.csv")
        #expect(path.path == "/data/exports/2026/a.csv")
        #expect(SplitPath("a.csv").directory == "" && SplitPath("a.csv").path == "a.csv")
        #expect(SplitPath("/top").directory == "/" && SplitPath("/top").name == "top")
        #expect(SplitPath("/dir/é 中.txt").name == "é 中.txt")
    }

    @Test func pathsJoinedFromPartsEqualPathsSplitWhole() {
        // However a path was put together, equal paths are equal values (the Hashable job depends on it).
        let cases: [(String, String)] = [
            ("/data/", "a.txt"), ("", "a.txt"), ("backup-", "a.txt"), ("a/b", "/c"),
            ("p/", "x/y"), ("", ""), ("/", ""),
        ]
        for (directory, name) in cases {
            let joined = SplitPath(directory: directory, name: name)
            #expect(joined == SplitPath(directory + name), "\(directory) + \(name)")
            #expect(joined.path == directory + name)
        }
    }

    @Test func splitPathsSortByTheBytesOfTheWholePath() {
        let pieces = ["", "a", "a/", "ab", "a.b/", "é", "z/", "/", "a/b", "\u{1}"]
        var paths: [(SplitPath, String)] = []
        for directory in pieces where directory.isEmpty || directory.hasSuffix("/") {
            for name in pieces where !name.contains("/") {
                paths.append((SplitPath(directory: directory, name: name), directory + name))
            }
        }
        for (a, whole) in paths {
            for (b, other) in paths {
                #expect(
                    SplitPath.precedes(a, b) == Array(whole.utf8).lexicographicallyPrecedes(Array(other.utf8)),
                    "\(whole) vs \(other)"
                )
            }
        }
    }

    @Test func keyRulesApplyToTheWholeSplitKey() {
        #expect(ObjectKey.problem(with: SplitPath(directory: "", name: "")) == "the object key is empty")
        #expect(ObjectKey.problem(with: SplitPath(directory: "/", name: "x"))?.contains("starts with '/'") == true)
        #expect(
            ObjectKey.problem(
                with: SplitPath(
                    directory: String(repeating: "d", count: 1000) + "/",
                    name: String(repeating: "n", count: 23)
                )
            )?
            .contains("is 1024 bytes") == true
        )
        #expect(
            ObjectKey.problem(
                with: SplitPath(
                    directory: String(repeating: "d", count: 1000) + "/",
                    name: String(repeating: "n", count: 22)
                )
            ) == nil
        )
    }

    @Test func aJobsSourceReadsAndSetsAsOneString() throws {
        var job = JobListTests.job(7)
        #expect(job.source == "/data/file-7" && job.location == SplitPath(directory: "/data/", name: "file-7"))
        job.source = "/other/place.bin"
        #expect(job.location == SplitPath("/other/place.bin") && job.source == "/other/place.bin")
    }
}
