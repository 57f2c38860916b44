import Foundation
import LocalOSS
import OSSBatch
import TestSupport
import Testing

/// A nightly tree walked with `follow_symlinks: true` in which a link's target was deleted (a deploy tree's
/// `current -> releases/r1` after r1 was cleaned up). The real binary uploads everything else, records each
/// such link as a skipped line and exits 1 (`on_unreadable: skip`, the default), so that one dangling link
/// does not stop every night's batch; once the target is back, the next run uploads it under the link's key.
@Suite(.serialized)
struct BrokenLinkSourcesTests {
    @Test func aLinkWhoseTargetIsGoneIsLeftOutAndRecordedWhileTheRestGoesUpAndTheRunExitsOne() async throws {
        let h = try await EngineHarness.start("broken-link")
        defer { Task { await h.stop() } }
        let a = try h.writeFile("a.txt", size: 10)
        let b = try h.writeFile("releases/r2/b.txt", size: 20, seed: 2)
        let src = h.dir.url.appendingPathComponent("src").path
        try FileManager.default.createSymbolicLink(atPath: src + "/current", withDestinationPath: "releases/r1")
        try FileManager.default.createSymbolicLink(atPath: src + "/notes.txt", withDestinationPath: "old/notes.txt")
        let manifest = try h.writeManifest(extraEntryLines: ["follow_symlinks: true"])

        let run = try await h.run(manifest)
        #expect(run.exitCode == 1, "\(run.stderr)")
        for link in ["current", "notes.txt"] {
            #expect(
                run.stderr.contains(
                    "warning: broken symbolic link \(src)/\(link): its target cannot be reached; it is left out"
                ),
                "\(run.stderr)"
            )
            #expect(run.stdout.contains("  skipped data/\(link): link \(src)/\(link) broken_link"), "\(run.stdout)")
        }
        #expect(run.stdout.contains("2 skipped files were not uploaded"))

        // The report as another parser reads it.
        let lines = try h.reportAsJSON().lines
        #expect(
            lines.map { $0["key"] as? String } == [
                "data/a.txt", "data/current", "data/notes.txt", "data/releases/r2/b.txt",
            ]
        )
        #expect(lines.map { $0["status"] as? String } == ["succeeded", "skipped", "skipped", "succeeded"])
        #expect(lines.map { $0["reason"] as? String } == [nil, "broken_link", "broken_link", nil])
        #expect(h.server.stats.snapshot.requestsByOperation == ["PutObject": 2])
        #expect(h.storedMD5("data/a.txt") == (try EngineHarness.md5(of: a)))
        #expect(h.storedMD5("data/releases/r2/b.txt") == (try EngineHarness.md5(of: b)))

        // `resume` has nothing to send and still exits 1: the links' files are not in the bucket.
        let resumed = try await h.resume()
        #expect(resumed.exitCode == 1, "\(resumed.stderr)")
        #expect(h.server.stats.snapshot.requestsByOperation == ["PutObject": 2])

        // The target back: the next night uploads it under the link's key; the other link still dangles.
        let notes = try h.writeFile("old/notes.txt", size: 30, seed: 3)
        let next = try await h.run(manifest)
        #expect(next.exitCode == 1, "\(next.stderr)")
        #expect(h.storedMD5("data/notes.txt") == (try EngineHarness.md5(of: notes)))
        #expect(try h.report().jobs.filter { $0.skipReason == .brokenLink }.map(\.spec.key) == ["data/current"])
    }

    @Test func underOnUnreadableFailABrokenLinkStopsThePlanAndAnExcludedOneIsNoProblem() async throws {
        let h = try await EngineHarness.start("broken-link-fail")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 10)
        let src = h.dir.url.appendingPathComponent("src").path
        try FileManager.default.createSymbolicLink(atPath: src + "/current", withDestinationPath: "releases/r1")
        let failing = try h.writeManifest(upload: ["on_unreadable: fail"], extraEntryLines: ["follow_symlinks: true"])
        let refused = try await h.run(failing)
        #expect(refused.exitCode == 2, "\(refused.stderr)")
        #expect(
            refused.stderr.contains(
                "error: broken symbolic link \(src)/current: No such file or directory (upload.on_unreadable: fail;"
            ),
            "\(refused.stderr)"
        )
        #expect(h.server.stats.snapshot.requestsByOperation.isEmpty)

        let excluding = try h.writeManifest(
            "excluding.yaml",
            upload: ["on_unreadable: fail"],
            extraEntryLines: ["follow_symlinks: true", "exclude: ['current']"]
        )
        let clean = try await h.run(excluding)
        #expect(clean.exitCode == 0, "\(clean.stderr)")
        #expect(!clean.stderr.contains("broken symbolic link"))
        #expect(!clean.stderr.contains("matched nothing"), "the exclude pattern kept the link out")
        #expect(try h.report().jobs.map(\.spec.key) == ["data/a.txt"])
    }
}
