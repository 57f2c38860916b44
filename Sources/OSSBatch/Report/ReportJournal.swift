import Foundation
import LocalFiles

/// The report's journal (`<report>.journal`): a job's outcome appended as a line as it happens, folded into
/// the report when it is read. Format 2 (`ossbatch-journal/2`) starts with `{"format":"ossbatch-journal/2"}`,
/// then one `JobRecord` a line; a journal without that first line is format 1 (`JournalEntryV1` lines).
enum ReportJournal {
    static let format = "ossbatch-journal/2"

    /// The line a journal starts with.
    static func firstLine() throws -> [UInt8] { try StreamingJSONEncoder().encode(FormatTag(format: format)) }

    /// The line of `outcome`; `ran` is the job as it ran when that is another version of its file than
    /// planned.
    static func line(_ outcome: JobOutcome, ran: UploadJob?) throws -> [UInt8] {
        try StreamingJSONEncoder().encode(JobRecord(journal: outcome, ran: ran))
    }

    /// Applies the journal at `path` to `report`, line by line: lines are in the order outcomes happened, so
    /// the last line of a job is its latest state. A line that cannot be read (the torn last line of a
    /// killed run, or a foreign one) is skipped: its job stays as the report last said.
    static func apply(_ path: String, to report: inout Report) throws(ReportLoadError) {
        do { try applyLines(path, to: &report) } catch {
            throw ReportLoadError(path: path, reason: error.reason)
        }
    }

    private static func applyLines(_ path: String, to report: inout Report) throws(FileSystemError) {
        guard let file = try StateFile.openForReading(path, maximumSize: StateFileLimits.journalBytes) else { return }
        let reader = LineReader(file: file, maximumLineLength: StateFileLimits.journalLineBytes, skipsLongLines: true)
        guard var line = try reader.next() else { return }
        var index: [String: Int] = [:]
        index.reserveCapacity(report.jobs.count)
        for (i, job) in report.jobs.enumerated() { index[job.spec.key] = i }
        let decoder = JSONDecoder()
        var current = false
        if let tag = try? decoder.decode(FormatTag.self, from: Data(line)) {
            guard tag.format == format else {
                throw FileSystemError(
                    operation: "read",
                    path: path,
                    errno: 0,
                    detail: "unsupported journal format '\(tag.format)'"
                )
            }
            current = true
            guard let next = try reader.next() else { return }
            line = next
        }
        while true {
            if !line.isEmpty,
                let (outcome, version) = current ? entry(line, decoder) : entryV1(line, decoder),
                let i = index[outcome.key]
            {
                report.jobs[i].outcome = outcome
                if let version {
                    report.jobs[i].spec.identity = version.identity
                    if let method = version.method { report.jobs[i].spec.method = method }
                }
            }
            guard let next = try reader.next() else { return }
            line = next
        }
    }

    private typealias Entry = (outcome: JobOutcome, version: (identity: SourceIdentity, method: UploadMethod?)?)

    private static func entry(_ line: ArraySlice<UInt8>, _ decoder: JSONDecoder) -> Entry? {
        do {
            let record = try decoder.decode(JobRecord.self, from: Data(line))
            let version = try record.ranVersion()
            return (try record.outcome(), version.map { ($0.identity, $0.method) })
        } catch {
            return nil
        }
    }

    private static func entryV1(_ line: ArraySlice<UInt8>, _ decoder: JSONDecoder) -> Entry? {
        do {
            let entry = try decoder.decode(JournalEntryV1.self, from: Data(line))
            return (try entry.outcome.jobOutcome(), try entry.ranVersion())
        } catch {
            return nil
        }
    }
}
