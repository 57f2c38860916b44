import Testing

@testable import OSSBatch

/// `status` of a report whose `abort` left uploads open (keys another process held, aborts that failed).
struct AbortLeftOpenStatusTests {
    @Test func anAbortThatLeftKeysAloneSaysToRunTheAbortAgain() throws {
        let (dir, path, _) = try ReportValidationTests.written()
        defer { dir.remove() }
        var report = try ReportStore.load(path)
        report.status = .aborted
        report.runs = [
            RunRecord(
                command: "abort",
                startedAt: "2026-12-05T00:00:00.000Z",
                finishedAt: "2026-12-05T00:00:01.000Z",
                status: .aborted,
                exitCode: 4,
                error: JobError(code: "Busy", message: "1 key(s) left alone: the key 'k/0' of bucket b is in use")
            )
        ]
        try ReportStore.create(at: path).write(report)
        let status = BatchStatus.of(report: path, batch: "b")
        #expect(status.state == .aborted)
        #expect(status.next == "ossbatch abort \(path)")
        #expect(status.problem?.contains("its abort left uploads open (1 key(s) left alone") == true, "\(status)")
        #expect(status.needsAttention)
        // `run --report` over it refuses, saying to abort again (an upload left open may be in no job line).
        let refusal = try #require(throws: ReportLoadError.self) { try ReportReplacement.check(path) }
        #expect(refusal.reason.contains("holds a batch whose abort left uploads open"), "\(refusal.reason)")
        #expect(refusal.reason.contains("Run 'ossbatch abort \(path)' again"))
        // An abort that gave everything up has nothing more to do, and its report is replaced.
        report.runs[0].error = nil
        report.runs[0].exitCode = 0
        try ReportStore.create(at: path).write(report)
        #expect(BatchStatus.of(report: path, batch: "b").next == nil)
        #expect(try ReportReplacement.check(path) != nil)
    }
}
