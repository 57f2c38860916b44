import Foundation
import TestSupport
import Testing

@testable import OSSBatch

/// `AtomicFile.write(to:)` through its `ChunkWriter`: small pieces buffered, large ones written as they are,
/// and what is written synced every few megabytes on another thread along the way (`BackgroundDataSync`).
@Suite struct AtomicFileTests {
    @Test func aFileOfManyMegabytesInPiecesOfEverySizeIsWrittenExactlyWithMode0600() throws {
        let dir = try TemporaryDirectory("atomic")
        defer { dir.remove() }
        let path = dir.path + "/report.json"
        // Pieces cut from one random run at shifting offsets, so that a misplaced or lost piece shows.
        var generator = SystemRandomNumberGenerator()
        let run = (0..<(1 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        // Past several background syncs (every 8 MiB), in pieces below and above the direct-write size.
        var expected: [UInt8] = []
        try AtomicFile.write(to: path) { (out: ChunkWriter) throws(StateFileError) in
            var piece = 0
            while expected.count < 26 << 20 {
                let size = piece % 3 == 0 ? 300_000 + piece : 97 + piece % 5_000
                let start = (piece * 7_919) % (run.count - 400_000)
                let bytes = Array(run[start..<start + size])
                if piece % 2 == 0 { try out.append(bytes) } else { try out.append(bytes[...]) }
                expected += bytes
                piece += 1
            }
        }
        #expect(FileManager.default.contents(atPath: path).map { [UInt8]($0) } == expected)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["report.json"],
            "no temporary file left"
        )
    }

    @Test func aBackgroundSyncThatFailsFailsTheWriteInsteadOfBeingLost() throws {
        // /dev/null takes every write and refuses `fdatasync` (EINVAL), as a disk that failed a write-back fails
        // the sync behind the writer. The kernel reports such an error once per open file, so the closing
        // `fsync` would not see it: the writer must.
        let fd = open("/dev/null", O_WRONLY | O_CLOEXEC)
        try #require(fd >= 0)
        defer { close(fd) }
        let piece = [UInt8](repeating: 7, count: 1 << 20)
        let small = ChunkWriter(fd: fd, path: "/dev/null")
        for _ in 0..<7 { try small.append(piece) }
        try small.finish()  // below 8 MiB no sync runs behind the writer: nothing to fail
        let large = ChunkWriter(fd: fd, path: "/dev/null")
        for _ in 0..<9 { try large.append(piece) }
        let error = #expect(throws: StateFileError.self) { try large.finish() }
        #expect(error?.operation == "fsync")
        #expect(error?.reason == String(cString: strerror(EINVAL)))
    }

    @Test func aWriteThatFailsAfterABackgroundSyncStartedLeavesNoFileBehind() throws {
        let dir = try TemporaryDirectory("atomic-failed")
        defer { dir.remove() }
        let path = dir.path + "/report.json"
        #expect(throws: StateFileError.self) {
            try AtomicFile.write(to: path) { (out: ChunkWriter) throws(StateFileError) in
                for _ in 0..<12 { try out.append([UInt8](repeating: 1, count: 1 << 20)) }
                throw StateFileError(path: path, operation: "encode", reason: "refused")
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty, "no temporary file left")
    }

    @Test func whatAKilledWriteLeftIsRemovedByTheNextWriteButNoLiveOrFreshWrite() throws {
        let dir = try TemporaryDirectory("leftovers")
        defer { dir.remove() }
        let path = dir.url.appendingPathComponent("r.json").path
        let hourAgo = Date().addingTimeInterval(-AtomicFile.leftoverAge - 60)
        func leftover(pid: Int32, at date: Date) throws -> String {
            let file = dir.url.appendingPathComponent(".r.json.tmp-\(pid)-7").path
            try Data("half a report".utf8).write(to: URL(fileURLWithPath: file))
            try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: file)
            return file
        }
        // Int32.max is above any pid_max: no such process.
        let dead = try leftover(pid: Int32.max, at: hourAgo)
        let alive = try leftover(pid: getpid(), at: hourAgo)
        let fresh = dir.url.appendingPathComponent(".r.json.tmp-\(Int32.max - 1)-7").path
        try Data("being written".utf8).write(to: URL(fileURLWithPath: fresh))
        let other = dir.url.appendingPathComponent(".s.json.tmp-\(Int32.max)-7").path
        try Data("another file's".utf8).write(to: URL(fileURLWithPath: other))
        try FileManager.default.setAttributes([.modificationDate: hourAgo], ofItemAtPath: other)

        var report = Report(plan: ReportStoreTests.plan(jobs: 1, dir: "/tmp/"), planID: "p")
        report.recomputeTotals()
        try ReportFile.write(report, to: path)
        let exists = { (p: String) in FileManager.default.fileExists(atPath: p) }
        #expect(!exists(dead))
        #expect(exists(alive) && exists(fresh) && exists(other))
    }

    /// A nightly default report has a new name each night: what a killed first write of one left is removed
    /// by a later night's pruning of the batch's reports (any name), never a live or fresh write's, nor a file
    /// that only looks alike. No write of that name came again to remove it, and each was as large as the
    /// report (review of e4ab55a).
    @Test func theBatchsPruningRemovesWhatKilledWritesOfAnyNightLeft() throws {
        let state = try TemporaryDirectory("leftovers-any-night")
        defer { state.remove() }
        let dir = StateDirectory(path: state.path).reports(batch: "nightly")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let hourAgo = Date().addingTimeInterval(-AtomicFile.leftoverAge - 60)
        func file(_ name: String, at date: Date = hourAgo) throws -> String {
            let path = dir + "/" + name
            try Data("half a report".utf8).write(to: URL(fileURLWithPath: path))
            try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: path)
            return path
        }
        let dead = try file(".report-2026-12-01T02-00-00Z.json.tmp-\(Int32.max)-7")
        let alive = try file(".report-2026-12-02T02-00-00Z.json.tmp-\(getpid())-7")
        let fresh = try file(".report-2026-12-03T02-00-00Z.json.tmp-\(Int32.max)-8", at: Date())
        let lookalike = try file(".notes.tmp-\(Int32.max)-x")
        let visible = try file("report.json.tmp-\(Int32.max)-7")
        DefaultReports.prune(batch: "nightly", in: StateDirectory(path: state.path), keep: 30)
        let exists = { (p: String) in FileManager.default.fileExists(atPath: p) }
        #expect(!exists(dead))
        #expect(exists(alive) && exists(fresh) && exists(lookalike) && exists(visible))
    }
}
