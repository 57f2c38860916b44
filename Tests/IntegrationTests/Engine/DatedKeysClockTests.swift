import Foundation
import LocalOSS
import OSSBatch
import TestSupport
import Testing

/// The real binary: `{date}` keys are tonight's even when this machine's clock is wrong. `run` compares its
/// clock with OSS's first (one unsigned HEAD of the bucket) when keys hold a time placeholder and
/// `OSSBATCH_NOW` does not fix the moment, and takes OSS's time beyond a minute's difference.
@Suite
struct DatedKeysClockTests {
    private static let prefix = "\"snap/{date:%Y-%m-%d}/\""

    /// The UTC day of `date`, as `{date:%Y-%m-%d}` writes it.
    private static func day(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: date)
    }

    private static func headBuckets(_ h: EngineHarness) -> [OperationLogEntry] {
        h.server.log.all.filter { $0.operation == .headBucket }
    }

    @Test func aClockTwoDaysSlowFilesTonightsSnapshotUnderTonightsDateAndKeepsTheOlderNight() async throws {
        // OSS's clock two days ahead of this machine's: this machine's is two days slow.
        let h = try await EngineHarness.start("clock-slow") {
            $0.clockOffset = 2 * 86400
            $0.maxClockSkew = 900
        }
        defer { Task { await h.stop() } }
        let source = try h.writeFile("a.bin", size: 4096, seed: 1)
        let manifest = try h.writeManifest(prefix: Self.prefix)
        // Two nights ago by OSS's clock (tonight by this machine's), a snapshot was taken.
        let localNight = Self.day(Date())
        let older = try await h.ossbatch(
            ["run", manifest, "--report", h.reportPath + ".older", "--quiet"],
            environment: ["OSSBATCH_NOW": Timestamp.iso8601(Date())]
        )
        #expect(older.exitCode == 0, "\(older.stderr)")
        let olderMD5 = try #require(h.storedMD5("snap/\(localNight)/a.bin"))
        #expect(Self.headBuckets(h).isEmpty, "OSSBATCH_NOW fixes the moment: nothing to check")

        try h.writeFile("a.bin", size: 4096, seed: 2)
        let logged = h.server.log.all.count
        let result = try await h.run(manifest)
        let tonight = Self.day(Date().addingTimeInterval(2 * 86400))
        #expect(result.exitCode == 0, "\(result.stderr)")
        // 48 h 00 m, or 47 h 59 m when the request straddled a second of OSS's clock.
        #expect(
            result.stderr.contains("warning: this machine's clock is 48 h 00 m behind OSS's")
                || result.stderr.contains("warning: this machine's clock is 47 h 59 m behind OSS's"),
            "\(result.stderr)"
        )
        #expect(result.stderr.contains("{date} and {time} stand for OSS's time, \(tonight)T"), "\(result.stderr)")
        #expect(try h.report().jobs.map(\.spec.key) == ["snap/\(tonight)/a.bin"])
        #expect(h.storedMD5("snap/\(tonight)/a.bin") == (try EngineHarness.md5(of: source)))
        #expect(h.storedMD5("snap/\(localNight)/a.bin") == olderMD5, "the older night's snapshot is kept")
        // One HEAD of the bucket, unsigned (refused 403 where keys are checked): no secret went with it. The
        // batch then signs by OSS's clock from its first request: none is refused as skewed.
        #expect(Self.headBuckets(h).map(\.status) == [403])
        let puts = h.server.log.all.dropFirst(logged).filter { $0.operation == .putObject }
        #expect(puts.map(\.status) == [200], "\(result.stderr)")
        h.expectNoSecrets(in: [result.stdout, result.stderr])
    }

    @Test func aRightClockIsTrustedAndOnlyDatedKeysWithoutAFixedMomentAskForTheTime() async throws {
        let h = try await EngineHarness.start("clock-right")
        defer { Task { await h.stop() } }
        try h.writeFile("a.bin", size: 100)
        // No time placeholder: no HEAD.
        let fixed = try await h.run(try h.writeManifest("fixed.yaml", prefix: "data/"))
        #expect(fixed.exitCode == 0, "\(fixed.stderr)")
        #expect(Self.headBuckets(h).isEmpty)

        let dated = try h.writeManifest("dated.yaml", prefix: Self.prefix)
        let result = try await h.run(dated)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(Self.headBuckets(h).count == 1)
        #expect(!result.stderr.contains("warning"), "\(result.stderr)")
        let night = Self.day(Date())
        #expect(try h.report().jobs.map(\.spec.key) == ["snap/\(night)/a.bin"])
    }

    @Test func aServiceThatDoesNotAnswerTheCheckLeavesThisMachinesClockAndSaysSo() async throws {
        let h = try await EngineHarness.start("clock-unchecked")
        defer { Task { await h.stop() } }
        h.server.faults.add(FaultRule(operation: .headBucket, action: .dropResponse))
        try h.writeFile("a.bin", size: 100)
        let result = try await h.run(try h.writeManifest(prefix: Self.prefix))
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(
            result.stderr.contains("warning: cannot compare this machine's clock with OSS's"),
            "\(result.stderr)"
        )
        #expect(Self.headBuckets(h).count == 1)
        #expect(try h.report().jobs.map(\.spec.key) == ["snap/\(Self.day(Date()))/a.bin"])
    }
}
