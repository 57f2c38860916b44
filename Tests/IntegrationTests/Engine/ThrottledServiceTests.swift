import Foundation
import LocalOSS
import OSSBatch
import OSSProtocol
import TestSupport
import Testing

/// A service that refuses requests over its limit (OSS's `TotalQpsLimitExceeded`, a 503 with a limit code): the
/// batch is paced to what the service lets through (`RequestPacer`) instead of spending its files' attempts on
/// refusals, and is not taken for a lost service.
@Suite struct ThrottledServiceTests {
    private static let overTheLimit = FaultAction.fail(
        status: 503,
        code: OSSErrorCode(rawValue: "TotalQpsLimitExceeded")
    )

    /// 300 small files, 16 in flight, against a limit of 30 uploads a second. Unpaced, about 200 attempts are
    /// refused and some files use their 6 attempts up (measured with the pacing off); held as for a lost service
    /// (stop 45), few failed but the batch went at a probe every 5 s.
    /// OSS's two ways of saying it: 503 `TotalQpsLimitExceeded` (the account's requests a second) and 429
    /// `QpsLimitExceeded`.
    @Test(arguments: [(503, "TotalQpsLimitExceeded"), (429, "QpsLimitExceeded")])
    func aServiceThrottlingOverItsLimitPacesTheBatchAndNoFileFails(status: Int, code: String) async throws {
        let h = try await EngineHarness.start("throttled-\(status)")
        defer { Task { await h.stop() } }
        for i in 0..<300 { try h.writeFile("f\(i).txt", size: 100 + i, seed: UInt64(i)) }
        let manifest = try h.writeManifest(upload: ["concurrency: 16"])
        h.server.faults.add(
            FaultRule(
                operation: .putObject,
                count: nil,
                passPerSecond: 30,
                action: .fail(status: status, code: OSSErrorCode(rawValue: code))
            )
        )
        let result = try await h.run(manifest)
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        let paced = result.stderrLines.filter { $0.contains("throttles the batch (\(code), HTTP \(status))") }
        #expect(paced.count == 1, "\(result.stderr)")
        #expect(paced.first?.contains("attempts are paced") == true)
        #expect(!result.stderr.contains("looks lost"), "a throttling service is not a lost one: \(result.stderr)")
        // Retries that were all refusals are the batch's pace, said once: no line a job (there were ~25).
        #expect(!result.stderr.contains(": succeeded (after"), "\(result.stderr)")
        let report = try h.report()
        #expect(report.totals.succeeded == 300 && report.totals.failed == 0, "\(report.totals)")
        // Paced, few attempts are refused (unpaced, about as many as there were files).
        let refused = h.server.log.all.filter { $0.status == status }.count
        #expect(refused < 100, "\(refused) refusals")
        try h.expectAllStoredExactly()
    }

    /// Every request refused once the first 20 went: paced down to one attempt every 2.5 s (a quarter of the
    /// window), nothing held, and the batch stops once the window has passed without one answered (exit 3,
    /// `Throttled`, a message that says the limit is used up, not that the service is lost); `resume` finishes
    /// it once the limit is lifted.
    @Test func aServiceThatRefusesEveryRequestStopsTheBatchAfterTheWindow() async throws {
        let h = try await EngineHarness.start("throttled-all")
        defer { Task { await h.stop() } }
        for i in 0..<60 { try h.writeFile("f\(i).txt", size: 100 + i, seed: UInt64(i)) }
        let manifest = try h.writeManifest(upload: [
            "stall_timeout: 10s", "retries: {attempts: 6, base_delay: 100ms, max_delay: 1s}",
        ])
        h.server.faults.add(
            FaultRule(operation: .putObject, skip: 20, count: nil, passPerSecond: 0, action: Self.overTheLimit)
        )
        let result = try await h.run(manifest, ["--progress-interval", "10"])
        #expect(result.exitCode == 3, "\(result.stdout)\(result.stderr)")
        // The progress lines say why the files go slowly.
        #expect(
            result.stderrLines.contains {
                $0.contains("progress:") && $0.contains("(the service throttles the batch)")
            },
            "\(result.stderr)"
        )
        #expect(result.ranFor >= .seconds(60), "not before the window: took \(result.ranFor)")
        #expect(!result.stderr.contains("looks lost"), "\(result.stderr)")
        #expect(result.stderr.contains("refused the requests for coming too fast for"), "\(result.stderr)")
        #expect(result.stderr.contains("a limit of the account or bucket is used up"), "\(result.stderr)")
        let report = try h.report()
        #expect(report.status == .fatal)
        #expect(report.fatalError?.code == "Throttled")
        // One attempt every 2.5 s for a minute: a few files use their attempts up, the rest stay pending.
        #expect(report.totals.succeeded == 20 && report.totals.failed <= 6, "\(report.totals)")
        h.server.faults.removeAll()
        let resumed = try await h.resume()
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        try h.expectAllStoredExactly()
    }
}
