import Foundation
import TestSupport
import Testing

@testable import OSSBatch

/// A journal is input: lines it cannot use are ignored with warnings, of which only the first few are kept
/// (a damaged journal of millions of lines once held every message until the end: 550 MB).
@Suite struct ReportJournalIgnoredLinesTests {
    @Test func onlyTheFirstIgnoredLinesAreListedAndTheRestCounted() throws {
        let dir = try TemporaryDirectory()
        let path = dir.url.appendingPathComponent("r.json.journal").path
        var bytes = try ReportJournal.firstLine() + [UInt8(ascii: "\n")]
        for i in 0..<5_000 {
            bytes += try ReportJournal.line(JobOutcome(key: "not/in/the/report-\(i)", status: .succeeded), ran: nil)
            bytes.append(UInt8(ascii: "\n"))
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        var report = Report(plan: ReportStoreTests.plan(jobs: 1, dir: "/tmp/"), planID: "p")
        let before = report.jobs.map(\.outcome)
        let warnings = try ReportJournal.apply(path, to: &report)
        #expect(warnings.count == ReportJournal.listedWarnings + 1)
        #expect(warnings.first?.contains("report-0' is not in the report") == true)
        #expect(warnings.last == "\(path): … and \(5_000 - ReportJournal.listedWarnings) more lines ignored")
        #expect(report.jobs.map(\.outcome) == before)
    }
}
