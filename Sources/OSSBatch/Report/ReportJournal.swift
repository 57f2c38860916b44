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
    /// the last line of a job is its latest state. A line that cannot be read, names a job the report does not
    /// have, or holds values no run of its job can have recorded (`ReportJob.validate`) is ignored — its job
    /// stays as the report last said — with a warning, returned; the last line alone is ignored silently
    /// when torn (a run killed mid-write leaves one). The report's totals are counted again when a line
    /// named a job.
    static func apply(_ path: String, to report: inout Report) throws(ReportLoadError) -> [String] {
        do { return try applyLines(path, to: &report) } catch {
            throw ReportLoadError(path: path, reason: error.reason)
        }
    }

    /// Warnings about ignored lines beyond this many are counted, not listed.
    static let listedWarnings = 20

    private static func applyLines(_ path: String, to report: inout Report) throws(FileSystemError) -> [String] {
        guard let file = try StateFile.openForReading(path, maximumSize: StateFileLimits.journalBytes) else {
            return []
        }
        let reader = LineReader(file: file, maximumLineLength: StateFileLimits.journalLineBytes, skipsLongLines: true)
        guard var line = try reader.next() else { return [] }
        // Where each key's job is, worked out at the first entry (not for a journal that only names its
        // format, the usual one beside a finished report of maybe 1,000,000 jobs): by binary search when the
        // report's keys rise, as every report a plan made does (a map of 1,000,000 key strings was most of a
        // resume's journal step), else through a map.
        enum Lookup {
            case sorted
            case map([ExactString: Int])
        }
        var lookup: Lookup?
        func position(of key: String) -> Int? {
            if lookup == nil {
                let rising = report.jobs.indices.dropFirst().allSatisfy {
                    SplitPath.precedes(report.jobs[$0 - 1].spec.objectKey, report.jobs[$0].spec.objectKey)
                }
                if rising {
                    lookup = .sorted
                } else {
                    // By the keys' bytes: canonically equivalent spellings are two keys on OSS (`ExactString`).
                    var built: [ExactString: Int] = [:]
                    built.reserveCapacity(report.jobs.count)
                    for (i, job) in report.jobs.enumerated() { built[ExactString(job.spec.key)] = i }
                    lookup = .map(built)
                }
            }
            if case .map(let index) = lookup { return index[ExactString(key)] }
            var (low, high) = (0, report.jobs.count)
            while low < high {
                let middle = (low + high) / 2
                let found = report.jobs[middle].spec.objectKey
                if ByteOrder.precedes(joining: found.directory, found.name, key, "") {
                    low = middle + 1
                } else {
                    high = middle
                }
            }
            return low < report.jobs.count && report.jobs[low].spec.objectKey.equals(key) ? low : nil
        }
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
            guard let next = try reader.next() else { return [] }
            line = next
        }
        // The first `listedWarnings` problems, and how many there were: a damaged journal of millions of lines
        // kept every message until the end (550 MB for 3 million lines, an audit found).
        var ignored: [String] = []
        var ignoredCount = 0
        func ignore(_ problem: @autoclosure () -> String) {
            ignoredCount += 1
            if ignored.count < listedWarnings { ignored.append(problem()) }
        }
        // An unreadable line is reported once a line follows it: the last one may just be torn.
        var unreadable: String?
        while true {
            if !line.isEmpty {
                if let problem = unreadable { ignore(problem) }
                unreadable = nil
                let place = "\(path) line \(reader.lineNumber)"
                switch current ? entry(line, decoder) : entryV1(line, decoder) {
                case .failure(let problem):
                    unreadable = "\(place): not a journal entry (\(problem.description)); ignored"
                case .success(let (outcome, version)):
                    if let i = position(of: outcome.key) {
                        var job = report.jobs[i]
                        job.outcome = outcome
                        if let version {
                            job.spec.identity = version.identity
                            if let method = version.method { job.spec.method = method }
                        }
                        do {
                            try job.validate()
                            // Lines of the format-1 journal an older ossbatch left are read as they were.
                            if current { try outcome.validateAsJournaled(under: report.upload) }
                            report.jobs[i] = job
                        } catch {
                            ignore("\(place): job '\(outcome.key.prefix(200))': \(error.description); ignored")
                        }
                    } else {
                        ignore("\(place): job '\(outcome.key.prefix(200))' is not in the report; ignored")
                    }
                }
            }
            guard let next = try reader.next() else { break }
            line = next
        }
        if lookup != nil { report.recomputeTotals() }  // some job may have changed
        var warnings = ignored
        if ignoredCount > ignored.count {
            warnings.append("\(path): … and \(ignoredCount - ignored.count) more lines ignored")
        }
        if reader.skippedLongLines > 0 {
            warnings.append(
                "\(path): \(reader.skippedLongLines) line(s) longer than \(StateFileLimits.journalLineBytes) bytes; ignored"
            )
        }
        return warnings
    }

    private typealias Entry = (outcome: JobOutcome, version: (identity: SourceIdentity, method: UploadMethod?)?)

    private static func entry(_ line: ArraySlice<UInt8>, _ decoder: JSONDecoder) -> Result<Entry, FormatError> {
        do {
            let record = try JobLineScanner.record(line) ?? decoder.decode(JobRecord.self, from: Data(line))
            let version = try record.ranVersion()
            return .success((try record.outcome(), version.map { ($0.identity, $0.method) }))
        } catch {
            return .failure(FormatError(FormatError.describing(error)))
        }
    }

    private static func entryV1(_ line: ArraySlice<UInt8>, _ decoder: JSONDecoder) -> Result<Entry, FormatError> {
        do {
            let entry = try decoder.decode(JournalEntryV1.self, from: Data(line))
            return .success((try entry.outcome.jobOutcome(), try entry.ranVersion()))
        } catch {
            return .failure(FormatError(FormatError.describing(error)))
        }
    }
}
