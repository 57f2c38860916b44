import Foundation
import OSSProtocol
import TestSupport
import Testing

@testable import OSSBatch

/// Writing a report again copies the job lines of batches whose jobs did not change from the file it was
/// read from (`ReportLines`): the file written is byte for byte the one encoding would write, and lines
/// changed in the file since it was read are never copied.
struct ReportLinesTests {
    /// 9,000 jobs: two full batches of 4,096 lines and a partial one.
    static let jobs = 9000

    static func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

    static func encoded(_ report: Report) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try ReportFile.encode(report) { bytes += $0 }
        return bytes
    }

    /// A report of `jobs` jobs written by a store, with journal lines that change one job of the second batch.
    static func reportWithJournal(in dir: TemporaryDirectory) throws -> String {
        let path = dir.path + "/report.json"
        var report = Report(plan: ReportStoreTests.plan(jobs: jobs, dir: dir.path), planID: "id")
        for i in report.jobs.indices where i % 5 != 0 {
            report.jobs[i].outcome.status = .succeeded
            report.jobs[i].outcome.etag = "\"E\(i)\""
            report.jobs[i].outcome.attempts = 1
        }
        report.jobs[7].outcome.error = JobError(code: "X", message: "nested values go through the encoder")
        report.recomputeTotals()
        let store = try ReportStore.create(at: path)
        try store.write(report, keepingLines: true)
        try store.record(JobOutcome(key: "k/5000", status: .succeeded, etag: "\"new\"", crc64: "5", attempts: 2))
        return path
    }

    @Test func aReportWrittenAgainIsByteForByteWhatEncodingWritesAndCopiesTheBatchesThatDidNotChange() throws {
        let dir = try TemporaryDirectory("report-lines")
        defer { dir.remove() }
        let path = try Self.reportWithJournal(in: dir)
        var warnings: [String] = []
        let (store, loaded) = try ReportStore.open(path, warnings: &warnings)
        #expect(warnings.isEmpty)
        #expect(loaded.jobs[5000].outcome.etag == "\"new\"")
        var report = loaded
        report.status = .running
        report.runs.append(
            RunRecord(command: "resume", startedAt: "s", finishedAt: nil, status: .running, exitCode: nil)
        )
        // Which batches are copied: all but the second, whose job the journal changed.
        let (_, lines) = try ReportFile.read(path, keepingLines: true)
        let layout = try ReportFile.encode(report, reusing: lines) { _ in }
        #expect(layout.copied == 2 && layout.spans.count == 3)

        try store.write(report, keepingLines: true)
        #expect(try Self.bytes(path) == Self.encoded(report))
        // Again, copying from the file just written (the second write of a resume), one more job changed.
        report.jobs[8999].outcome.status = .failed
        report.jobs[8999].outcome.error = JobError(code: "Y", message: "m")
        report.status = .failed
        try store.write(report, keepingLines: true)
        #expect(try Self.bytes(path) == Self.encoded(report))
        #expect(try ReportStore.load(path).jobs == report.jobs)
    }

    @Test func aLineChangedInTheFileAfterItWasReadIsEncodedNotCopied() throws {
        let dir = try TemporaryDirectory("report-lines")
        defer { dir.remove() }
        let path = try Self.reportWithJournal(in: dir)
        var warnings: [String] = []
        let (store, report) = try ReportStore.open(path, warnings: &warnings)
        // Another run (or a person) rewrites one line of the first batch in place, same length.
        let original = try Self.bytes(path)
        let needle = Array(#""etag":"\"E1\"""#.utf8)
        let at = try #require(original.firstRange(of: needle))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seek(toOffset: UInt64(at.lowerBound))
        try handle.write(contentsOf: Data(#""etag":"\"X1\"""#.utf8))
        try handle.close()
        #expect(try Self.bytes(path) != original)

        try store.write(report, keepingLines: true)
        // The report says what was read, as encoding writes it: the changed bytes were not copied.
        #expect(try Self.bytes(path) == Self.encoded(report))
        #expect(try ReportStore.load(path).jobs[1].outcome.etag == "\"E1\"")
    }

    @Test func linesAreCopiedAsTheFileSpellsThem() throws {
        // What makes a copy observable: a line spelt otherwise (a space) that reads back as the same job.
        let dir = try TemporaryDirectory("report-lines")
        defer { dir.remove() }
        let path = try Self.reportWithJournal(in: dir)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let spaced = text.replacingOccurrences(of: #"{"key":"k/1","#, with: #"{"key": "k/1","#)
        #expect(spaced != text)
        try spaced.write(toFile: path, atomically: false, encoding: .utf8)
        try ReportSeal.reseal(path)
        var warnings: [String] = []
        let (store, report) = try ReportStore.open(path, warnings: &warnings)
        try store.write(report, keepingLines: true)
        let written = try String(contentsOfFile: path, encoding: .utf8)
        #expect(written.contains(#"{"key": "k/1","#))
        #expect(try ReportStore.load(path).jobs == report.jobs)
        // The batch the journal changed was encoded: the journal's outcome is in its line.
        #expect(written.contains(#"{"key":"k/5000","#) && written.contains(#""etag":"\"new\"""#))
    }

    @Test func aReportOfAnotherJobCountOrOtherTablesCopiesNothing() throws {
        let dir = try TemporaryDirectory("report-lines")
        defer { dir.remove() }
        let path = try Self.reportWithJournal(in: dir)
        let (loaded, lines) = try ReportFile.read(path, keepingLines: true)
        #expect(lines != nil)
        var fewer = loaded
        fewer.jobs.removeLast()
        fewer.recomputeTotals()
        var bytes: [UInt8] = []
        #expect(try ReportFile.encode(fewer, reusing: lines) { bytes += $0 }.copied == 0)
        #expect(bytes == (try Self.encoded(fewer)))
        var otherOptions = loaded
        otherOptions.jobs[0].spec.options = ObjectOptions(contentType: "text/other")
        bytes = []
        #expect(try ReportFile.encode(otherOptions, reusing: lines) { bytes += $0 }.copied == 0)
        #expect(bytes == (try Self.encoded(otherOptions)))
    }

    @Test func theFingerprintHashesEveryFieldOfAJob() throws {
        // A field added to a job and not fingerprinted would let a changed job's old line be copied.
        let job = ReportStoreTests.plan(jobs: 1, dir: "/d").jobs.first!
        let report = ReportJob(spec: job, outcome: JobOutcome(key: job.key, status: .pending))
        // A report job is its spec and its outcome but the key (the spec's); the fingerprint hashes `outcome`.
        #expect(Mirror(reflecting: report).children.map(\.label) == ["spec", "recorded"])
        #expect(Mirror(reflecting: job).children.map(\.label) == ReportLines.fingerprintedFields)
        // And a change to any of them changes it.
        let jobs = [report]
        let base = ReportLines.fingerprints(of: jobs)
        var changes: [ReportJob] = []
        var changed = report
        changed.spec.location = SplitPath("/d/other")
        changes.append(changed)
        changed = report
        changed.spec.objectKey = SplitPath("k/other")
        changes.append(changed)
        changed = report
        changed.spec.identity.inode += 1
        changes.append(changed)
        changed = report
        changed.spec.options = ObjectOptions(contentType: "text/x")
        changes.append(changed)
        changed = report
        changed.spec.method = .multipart(PartPlan(partSize: 102_400, partCount: 1))
        changes.append(changed)
        changed = report
        changed.spec.plannedCtimeNanoseconds = 5
        changes.append(changed)
        changed = report
        changed.outcome.attempts = 3
        changes.append(changed)
        for change in changes { #expect(ReportLines.fingerprints(of: [change]) != base, "\(change)") }
    }
}
