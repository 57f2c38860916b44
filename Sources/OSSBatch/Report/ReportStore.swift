import Foundation
import OSSProtocol

/// A report that cannot be used for `resume` or `abort`.
public struct ReportLoadError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}

/// The report file and its journal on disk.
///
/// Lifecycle of one run: `create` (or `open` for resume) writes the report with the run marked `running`;
/// every job outcome is appended to `<path>.journal` as it happens (`record`); `write` replaces the report
/// atomically with the final state and empties the journal. A run killed at any instant leaves a report
/// plus a journal from which `open` rebuilds the latest state.
public final class ReportStore: Sendable {
    public let path: String
    public var journalPath: String { path + ".journal" }
    private let journal: AppendLog

    private init(path: String, journal: AppendLog) {
        self.path = path
        self.journal = journal
    }

    /// Prepares a new report at `path`: its directory and an empty journal. The report itself is written by
    /// the first `write` (the engine does so before its first request).
    public static func create(at path: String) throws(StateFileError) -> ReportStore {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty, !FileManager.default.fileExists(atPath: dir) {
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            } catch {
                throw StateFileError(path: dir, operation: "create directory", reason: error.localizedDescription)
            }
        }
        let log = try AppendLog(path: path + ".journal")
        try log.truncate()
        return ReportStore(path: path, journal: log)
    }

    /// Loads the report at `path` with its journal folded in.
    public static func open(_ path: String) throws -> (ReportStore, Report) {
        let report = try load(path)
        return (ReportStore(path: path, journal: try AppendLog(path: path + ".journal")), report)
    }

    /// The report at `path` with its journal folded in, without opening it for writing.
    public static func load(_ path: String) throws -> Report {
        var report: Report
        do {
            if let streamed = try decodeLineByLine(path) {
                report = streamed
            } else {
                guard let bytes = try AtomicFile.read(path) else {
                    throw ReportLoadError(path: path, reason: "no such report")
                }
                report = try JSONDecoder().decode(Report.self, from: Data(bytes))
            }
        } catch let error as ReportLoadError {
            throw error
        } catch {
            throw ReportLoadError(path: path, reason: "not an ossbatch report (\(error))")
        }
        guard report.format == Report.currentFormat else {
            throw ReportLoadError(path: path, reason: "unsupported report format '\(report.format)'")
        }
        // Decoding gave every job its own options, directory strings and names; share equal ones again, as a
        // fresh plan does (memory).
        var distinctOptions: Set<ObjectOptions> = []
        var directories: Set<String> = []
        for i in report.jobs.indices {
            var spec = report.jobs[i].spec
            spec.options = distinctOptions.insert(spec.options).memberAfterInsert
            let (location, key) = (spec.location, spec.objectKey)
            spec.location = SplitPath(
                directory: directories.insert(location.directory).memberAfterInsert,
                name: location.name
            )
            spec.objectKey = SplitPath(
                directory: directories.insert(key.directory).memberAfterInsert,
                name: key.name == location.name ? location.name : key.name
            )
            report.jobs[i].spec = spec
        }
        // Journal lines are in the order outcomes happened, so applying them in order yields the latest state.
        var index: [String: Int] = [:]
        for (i, job) in report.jobs.enumerated() { index[job.spec.key] = i }
        let decoder = JSONDecoder()
        let journal = LineReader(path: path + ".journal")
        while let line = journal.next() {
            guard !line.isEmpty, let entry = try? decoder.decode(JournalEntry.self, from: Data(line)),
                let i = index[entry.outcome.key]
            else {
                continue  // a torn or foreign line: the job stays as the report last said
            }
            report.jobs[i].outcome = entry.outcome
            if let identity = entry.identity { report.jobs[i].spec.identity = identity }
            if let method = entry.method { report.jobs[i].spec.method = method }
        }
        report.recomputeTotals()
        return report
    }

    /// Decodes a report laid out as `write` lays it out — the header up to `"jobs":[` on the first line, one
    /// job per line, the rest of the header on the last — a line at a time, so that loading a 100,000-job
    /// report holds the jobs rather than all of its text and a parse tree of it (a third of the memory).
    /// `nil` when the file does not exist or is laid out otherwise (reformatted by a tool): then it is
    /// decoded whole.
    static func decodeLineByLine(_ path: String) throws -> Report? {
        let reader = LineReader(path: path)
        let marker = Array("\"jobs\":[".utf8)
        guard let opening = reader.next().map(Array.init), opening.suffix(marker.count).elementsEqual(marker) else {
            return nil
        }
        var jobs: [ReportJob] = []
        var pending: [Data] = []
        while let line = reader.next() {
            if line.first == UInt8(ascii: "]") {
                jobs += try decodeJobs(pending)
                // The opening and this closing line make the header with an empty job list.
                var report = try JSONDecoder().decode(Report.self, from: Data(opening + line))
                while let rest = reader.next() { guard rest.isEmpty else { return nil } }
                report.jobs = jobs
                return report
            }
            pending.append(Data(line.last == UInt8(ascii: ",") ? line.dropLast() : line))
            if pending.count == 4096 {
                jobs += try decodeJobs(pending)
                pending.removeAll(keepingCapacity: true)
            }
        }
        return nil  // no closing line: let the whole-file decoder say what is wrong
    }

    /// Decodes job lines in order, sharing them out among the cores: decoding (Foundation's `JSONDecoder`,
    /// ~20 µs a job) is most of a resume's start-up, and the lines are independent.
    static func decodeJobs(_ lines: [Data]) throws -> [ReportJob] {
        let parts = DispatchQueue.ranges(splitting: lines.count)
        let decoded = try DispatchQueue.concurrentMap(iterations: parts.count) { part in
            let decoder = JSONDecoder()
            return try lines[parts[part]].map { try decoder.decode(ReportJob.self, from: $0) }
        }
        var jobs: [ReportJob] = []
        jobs.reserveCapacity(lines.count)
        for part in decoded { jobs += part }
        return jobs
    }

    /// Appends one job's outcome to the journal. `spec` is given when the job ran against a source version
    /// other than the planned one (the file changed), so `resume` knows what was uploaded.
    public func record(_ outcome: JobOutcome, spec: UploadJob? = nil) throws(StateFileError) {
        let entry = JournalEntry(outcome: outcome, identity: spec?.identity, method: spec?.method)
        let line: [UInt8]
        do {
            line = try StreamingJSONEncoder().encode(entry)
        } catch {
            throw StateFileError(path: journalPath, operation: "encode an entry for", reason: "\(error)")
        }
        try journal.append(line: line)
    }

    /// Makes appended outcomes durable (coalesced by the caller: about once a second and at the end).
    public func syncJournal() throws(StateFileError) { try journal.sync() }

    /// Replaces the report atomically, then empties the journal it now includes.
    public func write(_ report: Report) throws(StateFileError) {
        try journal.sync()
        try ReportStore.write(report, to: path, reusingSpecsExcept: nil)
        try journal.truncate()
    }

    /// Like `write(_:)`, for a report whose job specs are the ones this store last wrote, except the jobs at
    /// `changedSpecs`: their spec JSON is copied from the file on disk instead of encoded again, which halves
    /// the cost of the final report of a large batch. Falls back to encoding whatever it cannot copy.
    public func write(_ report: Report, changedSpecs: Set<Int>) throws(StateFileError) {
        try journal.sync()
        try ReportStore.write(report, to: path, reusingSpecsExcept: changedSpecs)
        try journal.truncate()
    }

    /// Writes the report as JSON with one job per line (`{"spec":…,"outcome":…}`), streaming the jobs so
    /// memory stays flat however many there are: the top-level fields are encoded with an empty job list,
    /// which is then filled in.
    static func write(_ report: Report, to path: String, reusingSpecsExcept changed: Set<Int>?) throws(StateFileError) {
        var header = report
        header.jobs = []
        let encoder = StreamingJSONEncoder()
        let headerText: String
        do {
            headerText = String(decoding: try encoder.encode(header), as: UTF8.self)
        } catch {
            throw StateFileError(path: path, operation: "encode", reason: "\(error)")
        }
        // Only the top level has a "jobs" key (free-form maps live inside jobs, which are empty here).
        guard let slot = headerText.range(of: "\"jobs\":[]") else {
            throw StateFileError(path: path, operation: "encode", reason: "no job list in the report header")
        }
        // The previous file's job lines, when its specs can be reused: line i + 1 holds job i.
        let previous = changed == nil ? nil : LineReader(path: path)
        _ = previous?.next()  // the header line
        func encode<T: Encodable>(_ value: T) throws(StateFileError) -> [UInt8] {
            do { return try encoder.encode(value) } catch {
                throw StateFileError(path: path, operation: "encode", reason: "\(error)")
            }
        }
        try AtomicFile.write(to: path) { (out: ChunkWriter) throws(StateFileError) in
            try out.append(headerText[..<slot.lowerBound].utf8)
            try out.append("\"jobs\":[\n".utf8)
            for (i, job) in report.jobs.enumerated() {
                let line = previous?.next()
                if let line, changed?.contains(i) == false, let spec = ReportStore.specPrefix(of: line) {
                    try out.append(spec)
                } else {
                    try out.append("{\"spec\":".utf8)
                    try out.append(try encode(job.spec))
                }
                try out.append(",\"outcome\":".utf8)
                try out.append(try encode(job.outcome))
                try out.append((i + 1 < report.jobs.count ? "},\n" : "}\n").utf8)
            }
            try out.append("]".utf8)
            try out.append(headerText[slot.upperBound...].utf8)
            try out.append("\n".utf8)
        }
    }

    /// `{"spec":{…}` of a job line. The outcome follows the spec, and JSON strings cannot hold an unescaped
    /// quote, so the last `,"outcome":` is the job's own (a metadata key named "outcome" sits before it).
    static func specPrefix(of line: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        let marker = Array(",\"outcome\":".utf8)
        let start = Array("{\"spec\":{".utf8)
        guard line.starts(with: start), line.count > marker.count + start.count else { return nil }
        var i = line.endIndex - marker.count
        while i > line.startIndex + start.count {
            if line[i] == marker[0] && line[i..<(i + marker.count)].elementsEqual(marker) {
                return line[line.startIndex..<i]
            }
            i -= 1
        }
        return nil
    }
}

/// Reads a file line by line in 1 MiB chunks (lines without their newline).
final class LineReader {
    private let handle: FileHandle?
    private var buffer: [UInt8] = []
    private var position = 0
    private var finished = false

    init(path: String) {
        handle = FileHandle(forReadingAtPath: path)
        finished = handle == nil
    }

    deinit { try? handle?.close() }

    func next() -> ArraySlice<UInt8>? {
        while true {
            if let newline = buffer[position...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[position..<newline]
                position = newline + 1
                return line
            }
            if finished {
                guard position < buffer.count else { return nil }
                let line = buffer[position...]
                position = buffer.count
                return line
            }
            buffer.removeSubrange(0..<position)
            position = 0
            let chunk = (try? handle?.read(upToCount: 1 << 20)) ?? nil
            if let chunk, !chunk.isEmpty { buffer.append(contentsOf: chunk) } else { finished = true }
        }
    }
}

/// One journal line.
struct JournalEntry: Codable {
    var outcome: JobOutcome
    var identity: SourceIdentity?
    var method: UploadMethod?
}

extension JSONEncoder {
    /// Sorted keys: a deterministic encoding, which checkpoints need for their checksum.
    static var compact: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }
}
