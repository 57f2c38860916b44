import Foundation
import LocalOSS
import OSSBatch
import TestSupport
import Testing

/// A nightly tree that grew one path too deep for an OSS key (1,023 bytes). The real binary uploads everything
/// else, records the file as a skipped line under its whole key and exits 1 (`on_unreadable: skip`, the
/// default); the report, whose line holds a key no object may have, reads back for `resume`.
@Suite(.serialized)
struct LongKeySourcesTests {
    /// Six directories of 200 characters: with `data/`, a key of 1,219 bytes.
    static let deep = Array(repeating: String(repeating: "d", count: 200), count: 6).joined(separator: "/")

    @Test func aFileWhoseKeyWouldBeTooLongIsLeftOutAndRecordedWhileTheRestGoesUpAndTheRunExitsOne() async throws {
        let h = try await EngineHarness.start("long-key")
        defer { Task { await h.stop() } }
        let a = try h.writeFile("a.txt", size: 10)
        try h.writeFile(Self.deep + "/deep.txt", size: 20, seed: 2)
        let manifest = try h.writeManifest()

        let run = try await h.run(manifest)
        #expect(run.exitCode == 1, "\(run.stderr)")
        #expect(run.stderr.contains("deep.txt would be 1219 bytes, more than the 1023 OSS allows; it is left out"))
        #expect(run.stdout.contains("deep.txt key_too_long"), "\(run.stdout)")
        #expect(run.stdout.contains("1 skipped file was not uploaded"))

        // The report as another parser reads it.
        let lines = try h.reportAsJSON().lines
        #expect(lines.map { $0["key"] as? String } == ["data/a.txt", "data/\(Self.deep)/deep.txt"])
        #expect(lines.map { $0["reason"] as? String } == [nil, "key_too_long"])
        #expect(h.server.stats.snapshot.requestsByOperation == ["PutObject": 1])
        #expect(h.storedMD5("data/a.txt") == (try EngineHarness.md5(of: a)))

        // `resume` reads the report back (its line's key breaks OSS's rules) and has nothing to send.
        let resumed = try await h.resume()
        #expect(resumed.exitCode == 1, "\(resumed.stderr)")
        #expect(h.server.stats.snapshot.requestsByOperation == ["PutObject": 1])

        // Excluded, the night ends clean.
        let excluding = try h.writeManifest("excluding.yaml", extraEntryLines: ["exclude: ['deep.txt']"])
        let clean = try await h.run(excluding)
        #expect(clean.exitCode == 0, "\(clean.stderr)")
        #expect(try h.report().jobs.map(\.spec.key) == ["data/a.txt"])
    }
}
