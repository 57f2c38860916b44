import Foundation
import LocalOSS
import OSSBatch
import TestSupport
import Testing

/// `run --verify-remote list` over files whose names XML 1.0 cannot carry or would change (`\u{1}`, ESC,
/// U+FFFF, CR, LF), with the real binary against LocalOSS. Listed raw, such a key made the whole answer
/// unreadable (exit 3, nothing uploaded), a CR came back as LF (uploaded again every night), and `dup\rk`
/// and `dup\nk` became one key (a deleted one went unnoticed). Listed with `encoding-type=url`, each key
/// comes back exactly.
@Suite(.serialized) struct VerifyRemoteEncodedKeysTests {
    /// Names with a CR or LF, and a pair that only a CR and an LF tell apart (same bytes, so that a listing
    /// that merges them vouches for the missing one by size and ETag).
    static let changedByXML = ["cr\rname.bin", "lf\nname.bin", "crlf\r\nname.bin", "dup\rk.txt", "dup\nk.txt"]
    /// Names no XML 1.0 document can hold raw; the last goes up in parts (Initiate's answer names its key).
    static let unsayableInXML = ["ctl\u{1}.bin", "esc\u{1B}.bin", "nonchar\u{FFFF}.bin", "parts\u{1}.bin"]

    @Test(arguments: [true, false])
    func verifyRemoteListUploadsAgainExactlyTheDeletedObjectWhateverItsKeyHolds(unsayable: Bool) async throws {
        let h = try await EngineHarness.start("verify-remote-encoded")
        defer { Task { await h.stop() } }
        let names = Self.changedByXML + (unsayable ? Self.unsayableInXML : []) + ["plain.bin"]
        for (i, name) in names.enumerated() {
            let dup = name.hasPrefix("dup")
            let size = name.hasPrefix("parts") ? 250_000 : dup ? 700 : 1000 + 10 * i
            try h.writeFile(name, size: size, seed: dup ? 99 : UInt64(i + 1))
        }
        try await h.settle()
        let manifest = try h.writeManifest(
            upload: ["unchanged: skip", "multipart_threshold: 100KiB", "part_size: 100KiB"]
        )
        let run = { (report: String, more: [String]) in
            try await h.ossbatch(
                [
                    "run", manifest, "--report", h.dir.url.appendingPathComponent(report).path, "--progress-interval",
                    "3600",
                ]
                    + more
            )
        }
        let first = try await run("r1.json", [])
        #expect(first.exitCode == 0, "\(first.stderr)")
        try h.expectAllStoredExactly()

        let deleted = "data/dup\nk.txt"
        try await h.makeClient().deleteObject(bucket: h.bucket, key: deleted)
        h.server.stats.reset()
        let logged = h.server.log.all.count
        let second = try await run("r2.json", ["--verify-remote", "list"])
        #expect(second.exitCode == 0, "\(second.stderr)")
        let requests = h.server.stats.snapshot.requestsByOperation
        #expect(Set(requests.keys) == ["ListObjectsV2", "PutObject"], "\(requests)")
        let stored = h.server.log.all.dropFirst(logged).filter { $0.operation == .putObject }.compactMap(\.key)
        // Bytes, not String ==: "\r\n" is one Character, and these keys differ in single bytes.
        #expect(stored.map { Array($0.utf8) } == [Array(deleted.utf8)], "\(stored.map { $0.debugDescription })")
        let report = try ReportStore.load(h.dir.url.appendingPathComponent("r2.json").path)
        #expect(report.totals.succeeded == 1 && report.totals.unchanged == names.count - 1, "\(report.totals)")
        try h.expectAllStoredExactly()
    }
}
