import Foundation
import LocalOSS
import OSSBatch
import TestSupport
import Testing

/// A nightly tree where someone unpacked a file or a directory with a name that is not UTF-8 (an old Latin-1
/// archive): no OSS key can name it. The real binary uploads everything else, records each such item as a
/// skipped line and exits 1 (`on_unreadable: skip`, the default); an `exclude` pattern keeps them out cleanly.
@Suite(.serialized)
struct UnnameableSourcesTests {
    @Test func aNameThatIsNotUTF8IsLeftOutAndRecordedWhileTheRestGoesUpAndTheRunExitsOne() async throws {
        let h = try await EngineHarness.start("unnameable")
        defer { Task { await h.stop() } }
        let a = try h.writeFile("a.txt", size: 10)
        let b = try h.writeFile("sub/b.txt", size: 20, seed: 2)
        // `caf\xe9.txt` (café in Latin-1) and a directory `old\xff/` holding a file.
        try h.dir.makeRaw(name: Array("caf".utf8) + [0xE9] + Array(".txt".utf8), in: "src", contents: "x")
        let old = try h.dir.makeRaw(name: Array("old".utf8) + [0xFF], in: "src/sub", directory: true)
        try TemporaryDirectory.makeRaw(at: old + Array("/c.txt".utf8), contents: "y")
        let src = h.dir.url.appendingPathComponent("src").path
        let manifest = try h.writeManifest()

        let run = try await h.run(manifest)
        #expect(run.exitCode == 1, "\(run.stderr)")
        #expect(run.stderr.contains("warning: file name is not valid UTF-8: \(src)/caf\\xe9.txt; it is left out"))
        #expect(
            run.stderr.contains(
                "warning: directory name is not valid UTF-8: \(src)/sub/old\\xff; it is left out with whatever it holds"
            )
        )
        #expect(run.stdout.contains("  skipped data/caf\\xe9.txt: file \(src)/caf\\xe9.txt unnameable"))
        #expect(run.stdout.contains("  skipped data/sub/old\\xff/: directory \(src)/sub/old\\xff unnameable"))
        #expect(run.stdout.contains("2 skipped files were not uploaded"))

        // The report as another parser reads it.
        let (document, lines) = try h.reportAsJSON()
        #expect(
            lines.map { $0["key"] as? String } == [
                "data/a.txt", "data/caf\\xe9.txt", "data/sub/b.txt", "data/sub/old\\xff/",
            ]
        )
        #expect(lines.map { $0["status"] as? String } == ["succeeded", "skipped", "succeeded", "skipped"])
        #expect(lines.map { $0["reason"] as? String } == [nil, "unnameable", nil, "unnameable"])
        #expect(document["status"] as? String == "succeeded")
        #expect(h.server.stats.snapshot.requestsByOperation == ["PutObject": 2])
        #expect(h.storedMD5("data/a.txt") == (try EngineHarness.md5(of: a)))
        #expect(h.storedMD5("data/sub/b.txt") == (try EngineHarness.md5(of: b)))

        // `resume` has nothing to send and still exits 1: the files are not in the bucket.
        let resumed = try await h.resume()
        #expect(resumed.exitCode == 1, "\(resumed.stderr)")
        #expect(h.server.stats.snapshot.requestsByOperation == ["PutObject": 2])

        // Excluded, they are counted as any excluded file, and the night ends clean.
        let excluding = try h.writeManifest("excluding.yaml", extraEntryLines: ["exclude: ['caf*', 'old*']"])
        let clean = try await h.run(excluding)
        #expect(clean.exitCode == 0, "\(clean.stderr)")
        #expect(!clean.stderr.contains("not valid UTF-8"))
        #expect(try h.report().jobs.map(\.spec.key) == ["data/a.txt", "data/sub/b.txt"])
    }
}

extension UnnameableSourcesTests {
    /// At the top of a source without `key_prefix`, a name whose first byte is not UTF-8 makes a line key that
    /// starts with the escape's `\`, which no object key may: the line is not an object's, so it stands, and
    /// the report holding it reads back (`resume`).
    @Test func aLineKeyStartingWithAnEscapeIsRecordedAndReadBack() async throws {
        let h = try await EngineHarness.start("unnameable-top")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 10)
        try h.dir.makeRaw(name: [0xFF] + Array("x.txt".utf8), in: "src", contents: "x")
        let manifest = try h.writeManifest(prefix: "''")
        let run = try await h.run(manifest)
        #expect(run.exitCode == 1, "\(run.stderr)")
        #expect(try h.report().jobs.map(\.spec.key) == ["\\xffx.txt", "a.txt"])
        let resumed = try await h.resume()
        #expect(resumed.exitCode == 1, "\(resumed.stderr)")
        #expect(!resumed.stderr.contains("error"), "\(resumed.stderr)")
        #expect(h.server.stats.snapshot.requestsByOperation == ["PutObject": 1])
    }
}
