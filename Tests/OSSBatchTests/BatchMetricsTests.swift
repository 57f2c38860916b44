import Foundation
import TestSupport
import Testing

@testable import OSSBatch

/// The metrics file's pure parts: which success time wins, and reading back what was written — a previous
/// file is input, so anything else is a reason, never a crash or a trusted value.
struct BatchMetricsTests {
    private func metrics(lastSuccess: Date?) -> BatchMetrics {
        BatchMetrics(
            batch: "nightly \"eu\"\\2",
            inProgress: false,
            startedAt: Date(timeIntervalSince1970: 1_796_000_000),
            endedAt: Date(timeIntervalSince1970: 1_796_000_060.5),
            durationSeconds: 60.5,
            exitCode: 1,
            lastSuccess: lastSuccess
        )
    }

    @Test func theLatestKnownSuccessWinsAndAFailedRunKeepsTheEarlierOne() {
        let previous = Date(timeIntervalSince1970: 1_700_000_000)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(
            BatchMetrics.lastSuccess(previous: previous, report: nil, thisRunSucceeded: false, now: now) == previous
        )
        #expect(BatchMetrics.lastSuccess(previous: previous, report: nil, thisRunSucceeded: true, now: now) == now)
        #expect(BatchMetrics.lastSuccess(previous: nil, report: nil, thisRunSucceeded: false, now: now) == nil)

        // A report's own runs count too (a metrics file deleted since), the succeeded ones only.
        var report = Report(plan: ReportStoreTests.plan(jobs: 1, dir: "/tmp/"), planID: "p")
        report.runs = [
            RunRecord(
                command: "run",
                startedAt: "2026-01-01T00:00:00.000Z",
                finishedAt: "2026-01-01T00:01:00.000Z",
                status: .succeeded,
                exitCode: 0
            ),
            RunRecord(
                command: "resume",
                startedAt: "2026-01-02T00:00:00.000Z",
                finishedAt: "2026-01-02T00:01:00.000Z",
                status: .failed,
                exitCode: 1
            ),
        ]
        let fromReport = Timestamp.parse("2026-01-01T00:01:00.000Z")
        #expect(
            BatchMetrics.lastSuccess(previous: nil, report: report, thisRunSucceeded: false, now: now) == fromReport
        )
        #expect(
            BatchMetrics.lastSuccess(previous: previous, report: report, thisRunSucceeded: false, now: now)
                == fromReport
        )
        // A run that succeeded is its `now` (corrected to OSS's clock when it learnt this one is off), not its own
        // record, stamped by this machine's clock: here a year ahead.
        report.runs.append(
            RunRecord(
                command: "resume",
                startedAt: "2028-01-03T00:00:00.000Z",
                finishedAt: "2028-01-03T00:01:00.000Z",
                status: .succeeded,
                exitCode: 0
            )
        )
        #expect(BatchMetrics.lastSuccess(previous: nil, report: report, thisRunSucceeded: true, now: now) == now)
        // A failed run does not take that record ahead of now (an edited report, a clock that was fast) either:
        // the report's last success before it stands.
        #expect(
            BatchMetrics.lastSuccess(previous: previous, report: report, thisRunSucceeded: false, now: now)
                == fromReport
        )
    }

    @Test func whatIsWrittenIsReadBackAndSymlinksAreRefused() throws {
        let dir = try TemporaryDirectory("metrics")
        defer { dir.remove() }
        let file = MetricsFile(path: dir.path + "/m.prom")
        #expect(try file.previousLastSuccess().get() == nil, "no file yet")
        let success = Date(timeIntervalSince1970: 1_795_999_000.25)
        try file.write(metrics(lastSuccess: success))
        #expect(try file.previousLastSuccess().get() == success)
        let samples = try PrometheusSample.parse(
            String(decoding: metrics(lastSuccess: success).prometheusText(), as: UTF8.self)
        )
        #expect(
            samples.allSatisfy { $0.labels["batch"] == "nightly \"eu\"\\2" },
            "label values are escaped and unescaped"
        )

        try FileManager.default.createSymbolicLink(atPath: dir.path + "/link.prom", withDestinationPath: file.path)
        let link = MetricsFile(path: dir.path + "/link.prom")
        #expect(throws: StateFileError.self) { try link.write(metrics(lastSuccess: nil)) }
        #expect(throws: MetricsFileProblem.self) { try link.previousLastSuccess().get() }
        #expect(try file.previousLastSuccess().get() == success, "the link's target is untouched")
    }

    @Test(arguments: [
        "ossbatch_last_success_timestamp_seconds NaN\n",
        "ossbatch_last_success_timestamp_seconds +Inf\n",
        "ossbatch_last_success_timestamp_seconds -5\n",
        "ossbatch_last_success_timestamp_seconds 99999999999\n",
        "ossbatch_last_success_timestamp_seconds{batch=\"a\"} 1\nossbatch_last_success_timestamp_seconds{batch=\"b\"} 2\n",
        "ossbatch_last_success_timestamp_seconds{batch=\"a} 1\n",
        "ossbatch_last_success_timestamp_seconds{batch} 1\n",
        "ossbatch_last_success_timestamp_seconds\n",
        "{} 1\n",
        "\u{0}\u{1}garbage",
    ])
    func aPreviousFileThatIsNotOursIsAReason(text: String) throws {
        let dir = try TemporaryDirectory("metrics-bad")
        defer { dir.remove() }
        let url = try dir.write("m.prom", text)
        let result = MetricsFile(path: url.path).previousLastSuccess(now: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(throws: MetricsFileProblem.self) { try result.get() }
    }

    @Test func commentsBlankLinesAndOtherMetricsAreSkipped() throws {
        let dir = try TemporaryDirectory("metrics-other")
        defer { dir.remove() }
        let url = try dir.write(
            "m.prom",
            "# HELP x y\n\nother_metric{a=\"1\"} 3 1700000000000\nossbatch_last_success_timestamp_seconds{batch=\"n\"} 1.5e9\n"
        )
        #expect(try MetricsFile(path: url.path).previousLastSuccess().get() == Date(timeIntervalSince1970: 1.5e9))
    }
}
