import Digests
import Foundation
import OSSBatch
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `ossbatch plan` is a dry run: it reads the upload index to count the unchanged files, and leaves it as it
/// found it — never rebuilt, deleted or created — even where it cannot read it; and it reads one in a state
/// directory it may not write.
@Suite(.serialized) struct PlanReadsTheIndexOnlyTests {
    typealias Setup = UploadIndexTests.Setup

    /// A digest of the index file's bytes, to tell it was left alone (its `-wal` and `-shm` are SQLite's:
    /// a reader takes its read lock in `-shm`).
    static func digest(_ s: Setup) -> [UInt8]? {
        FileManager.default.contents(atPath: s.indexPath).map { SHA256.hash(Array($0)) }
    }

    static func sqlite(_ path: String, _ statement: String) async throws -> ProcessResult {
        await
            (try RunningProcess(
                URL(fileURLWithPath: "/usr/bin/env"),
                [
                    "python3", "-c",
                    "import sqlite3, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
                        + "print(c.execute(sys.argv[2]).fetchall())",
                    path, statement,
                ]
            )).wait()
    }

    @Test func anIndexOfANewerSchemaIsLeftAsItIsByPlanAndCountsNothingUnchanged() async throws {
        let s = try await UploadIndexTests.start("plan-newer-index")
        defer { Task { await s.h.stop() } }
        try await UploadIndexTests.writeFiles(s.h, count: 3)
        let manifest = try s.h.writeManifest(upload: ["unchanged: skip"])
        #expect(try await s.run(manifest, report: "r1.json").exitCode == 0)
        // What a newer ossbatch would have made (Python's sqlite3 as the other writer).
        #expect(try await Self.sqlite(s.indexPath, "PRAGMA user_version=2").exitCode == 0)
        let before = Self.digest(s)
        let plan = try await s.h.ossbatch(["plan", manifest], environment: ["OSSBATCH_STATE_DIR": s.state])
        #expect(plan.exitCode == 0, "\(plan.stderr)")
        #expect(plan.stderr.contains("schema version 2"), "\(plan.stderr)")
        #expect(plan.stderr.contains("left as it is"), "\(plan.stderr)")
        #expect(!plan.stdout.contains("unchanged:"), "\(plan.stdout)")
        // Before, `plan` deleted it and made an empty one of its own schema.
        #expect(Self.digest(s) == before)
        #expect(try await Self.sqlite(s.indexPath, "PRAGMA user_version").stdout.contains("[(2,)]"))
        #expect(try await Self.sqlite(s.indexPath, "SELECT count(*) FROM objects").stdout.contains("[(3,)]"))
    }

    @Test func aDamagedIndexIsLeftAsItIsByPlan() async throws {
        let s = try await UploadIndexTests.start("plan-damaged-index")
        defer { Task { await s.h.stop() } }
        try await UploadIndexTests.writeFiles(s.h, count: 3)
        let manifest = try s.h.writeManifest(upload: ["unchanged: skip"])
        #expect(try await s.run(manifest, report: "r1.json").exitCode == 0)
        for suffix in ["-wal", "-shm"] { unlink(s.indexPath + suffix) }
        try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: s.indexPath))
        let plan = try await s.h.ossbatch(["plan", manifest], environment: ["OSSBATCH_STATE_DIR": s.state])
        #expect(plan.exitCode == 0, "\(plan.stderr)")
        #expect(plan.stderr.contains("cannot read the upload index"), "\(plan.stderr)")
        #expect(!plan.stderr.contains("rebuilding"), "\(plan.stderr)")
        #expect(FileManager.default.contents(atPath: s.indexPath) == Data(repeating: 0x5A, count: 8192))
        // The night's run is the one that rebuilds it.
        let run = try await s.run(manifest, report: "r2.json")
        #expect(run.exitCode == 0 && run.stderr.contains("rebuilding"), "\(run.stderr)")
    }

    /// More files than the filter reads in one part (`UnchangedFilter.minimumToSplit` × 2): the index is then
    /// read on a connection per part, each opened as the first one was (review of 72b75db: the parts opened
    /// it read-write, and the plan counted nothing in a directory it may not write).
    static let manyFiles = 2 * UnchangedFilter.minimumToSplit + 100

    @Test(.enabled(if: Unprivileged.isAvailable, "needs a user without privileges (setpriv and nobody, or not root)"))
    func planReadsTheIndexOfAStateDirectoryItMayNotWrite() async throws {
        let s = try await UploadIndexTests.start("plan-readonly-state")
        defer { Task { await s.h.stop() } }
        let source = s.h.dir.url.appendingPathComponent("src")
        for d in 0..<(Self.manyFiles + 99) / 100 {
            let directory = source.appendingPathComponent("d\(d)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for f in 0..<min(100, Self.manyFiles - d * 100) {
                try Data("\(d)/\(f)\n".utf8).write(to: directory.appendingPathComponent("f\(f).txt"))
            }
        }
        let manifest = try s.h.writeManifest(upload: ["unchanged: skip"])
        try Unprivileged.handOver(s.h.dir.url)
        try await s.h.settle()  // the hand-over changed the files' ctimes
        let environment = s.h.environment.merging(["OSSBATCH_STATE_DIR": s.state]) { $1 }
        let report = s.h.dir.url.appendingPathComponent("r1.json").path
        let run = try await Unprivileged.start(
            Products.url("ossbatch"),
            ["run", manifest, "--report", report, "--progress-interval", "3600"],
            environment: environment
        ).wait()
        #expect(run.exitCode == 0, "\(run.stderr)")
        let indexDirectory = (s.indexPath as NSString).deletingLastPathComponent
        #expect(chmod(indexDirectory, 0o500) == 0)
        defer { chmod(indexDirectory, 0o700) }
        let before = Self.digest(s)
        let count = "\(Self.manyFiles / 1000)," + String(format: "%03d", Self.manyFiles % 1000)  // as plan prints it
        func plan() async throws {
            let plan = try await Unprivileged.start(
                Products.url("ossbatch"),
                ["plan", manifest],
                environment: environment
            )
            .wait()
            #expect(plan.exitCode == 0, "\(plan.stderr)")
            #expect(plan.stdout.contains("unchanged:") && plan.stdout.contains("\(count) files"), "\(plan.stdout)")
            #expect(!plan.stderr.contains("index"), "\(plan.stderr)")
            #expect(Self.digest(s) == before)
        }
        // With whatever -wal and -shm the run left beside the index (the reader takes its lock in -shm).
        try await plan()
        // Without them (an index closed cleanly), where none can be made: before, the open failed on the
        // -shm it could not create, and the plan counted nothing unchanged. (Made writable for the unlinks:
        // a test not run as root cannot remove them from a directory of mode 0500.)
        #expect(chmod(indexDirectory, 0o700) == 0)
        for suffix in ["-wal", "-shm"] { unlink(s.indexPath + suffix) }
        #expect(chmod(indexDirectory, 0o500) == 0)
        try await plan()
        #expect(!FileManager.default.fileExists(atPath: s.indexPath + "-shm"))
    }

    /// An index `plan` may not reach (its directory another user's) is a warning, not taken for a first night.
    @Test(.enabled(if: Unprivileged.isAvailable && geteuid() == 0, "needs root to give the index to another user"))
    func anIndexPlanMayNotReachIsAWarningNotAFirstNight() async throws {
        let s = try await UploadIndexTests.start("plan-unreachable-index")
        defer { Task { await s.h.stop() } }
        try await UploadIndexTests.writeFiles(s.h, count: 3)
        let manifest = try s.h.writeManifest(upload: ["unchanged: skip"])
        #expect(try await s.run(manifest, report: "r1.json").exitCode == 0)
        // Everything the unprivileged user's, but the index's directory, which stays root's (mode 0700).
        try Unprivileged.handOver(s.h.dir.url)
        let indexDirectory = (s.indexPath as NSString).deletingLastPathComponent
        #expect(chown(indexDirectory, 0, 0) == 0)
        let plan = try await Unprivileged.start(
            Products.url("ossbatch"),
            ["plan", manifest],
            environment: s.h.environment.merging(["OSSBATCH_STATE_DIR": s.state]) { $1 }
        ).wait()
        #expect(plan.exitCode == 0, "\(plan.stderr)")
        #expect(plan.stderr.contains("cannot read the upload index"), "\(plan.stderr)")
        #expect(!plan.stdout.contains("unchanged:"), "\(plan.stdout)")
    }
}
