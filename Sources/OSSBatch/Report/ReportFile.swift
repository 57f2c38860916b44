import Foundation
import LocalFiles
import OSSProtocol

/// The report file: `ossbatch-report/2`, laid out as `JobLines` (the header on the first line, one job a
/// line), so that a report of 100,000 jobs is written and read a job at a time. Reads format 2 and format 1
/// (`ReportV1`), laid out so or reformatted by a tool (then decoded whole).
enum ReportFile {
    /// Replaces the report at `path` atomically with `report`, copying the lines of unchanged batches from
    /// `previous` (`ReportLines`). Returns the new file's lines, open, for the next write (`nil` when the
    /// file cannot be opened again, or when `keepingLines` is false because no write follows: the next
    /// write then encodes every line).
    @discardableResult
    static func write(
        _ report: Report,
        to path: String,
        reusing previous: ReportLines? = nil,
        keepingLines: Bool = true
    ) throws(StateFileError) -> ReportLines? {
        var layout: Layout?
        AtomicFile.removeLeftovers(of: path)
        try AtomicFile.write(to: path) { (out: ChunkWriter) throws(StateFileError) in
            do {
                layout = try encode(report, reusing: previous, fingerprinting: keepingLines) { try out.append($0) }
            } catch let error as StateFileError {
                throw error
            } catch {
                throw StateFileError(path: path, operation: "encode", reason: "\(error)")
            }
        }
        // Opened again by path: should another file be there now, its checksums would not match.
        guard keepingLines, let layout,
            let file = try? StateFile.openForReading(path, maximumSize: StateFileLimits.reportBytes)
        else { return nil }
        return ReportLines(
            file: file,
            tables: layout.tables,
            jobCount: layout.jobCount,
            spans: layout.spans,
            fingerprints: layout.fingerprints
        )
    }

    /// Throws unless `path` holds what could be a report: a regular file (not a symbolic link, a device or a
    /// FIFO) within `StateFileLimits.reportBytes`. Checked before a report's lock is taken, so that no lock
    /// file is ever made beside `/dev/zero` or a directory.
    static func requireFile(_ path: String) throws(ReportLoadError) {
        let file: ReadableFile?
        do { file = try StateFile.openForReading(path, maximumSize: StateFileLimits.reportBytes) } catch {
            throw ReportLoadError(path: path, reason: error.reason)
        }
        guard file != nil else { throw ReportLoadError(path: path, reason: "no such report") }
        if let status = try? FileStatus.lstat(path) { try requireOwn(path, status) }
    }

    /// Throws when the report at `path`, whose status is `status`, is another user's: written by this one (a
    /// `sudo ossbatch resume` of a service user's batch), it became this user's, mode 0600, and every later run
    /// of its owner was refused it — `resume`, `status`, the nightly `run --report` (review of 572eea5).
    static func requireOwn(_ path: String, _ status: FileStatus) throws(ReportLoadError) {
        let me = geteuid()
        guard status.owner != me else { return }
        throw ReportLoadError(
            path: path,
            reason: "belongs to uid \(status.owner), not to this user (uid \(me)): run ossbatch as its owner "
                + "(sudo -u on that user); written by this one, the report would become unreadable to its owner's runs"
        )
    }

    /// Writes `report` as an `ossbatch-report/2` document, a piece at a time, to `output`; the lines of a
    /// batch `previous` can copy (`ReportLines`) are copied. Returns where the lines went, with the batches'
    /// fingerprints when `fingerprinting` (for a later write to copy from this one) or when copying.
    @discardableResult
    static func encode(
        _ report: Report,
        reusing previous: ReportLines? = nil,
        fingerprinting: Bool = true,
        to output: ([UInt8]) throws -> Void
    ) throws -> Layout {
        let (tables, references) = JobTables.build(report.jobs)
        let jobs = report.jobs
        let source = previous?.fits(jobCount: jobs.count, tables: tables) == true ? previous : nil
        // Fingerprinting is a hash of every job: a run's last write with nothing to copy from skips it.
        let fingerprints = fingerprinting || source != nil ? ReportLines.fingerprints(of: jobs) : []
        let encoder = StreamingJSONEncoder()
        var copied = 0
        let spans = try JobLines.write(
            header: ReportHeader(report, tables: tables),
            count: jobs.count,
            line: { i, bytes in
                guard !JobLineWriter.appendReportLine(of: jobs, at: i, reference: references[i], to: &bytes) else {
                    return
                }
                bytes += try encoder.encode(
                    JobRecord(job: jobs[i].spec, reference: references[i], outcome: jobs[i].outcome)
                )
            },
            copied: { batch in
                guard let source else { return nil }
                let lines = source.copy(batch: batch, fingerprint: fingerprints[batch])
                if lines != nil { copied += 1 }
                return lines
            },
            to: output
        )
        return Layout(tables: tables, jobCount: jobs.count, spans: spans, fingerprints: fingerprints, copied: copied)
    }

    /// Where a report's job lines went, before the file is open to read them back.
    struct Layout {
        var tables: JobTables
        var jobCount: Int
        var spans: [JobLines.Span]
        var fingerprints: [Int]
        /// How many batches were copied.
        var copied: Int
    }

    /// The report at `path` (without its journal): a regular file (never through a symbolic link) of at most
    /// `StateFileLimits.reportBytes`.
    static func read(_ path: String) throws(ReportLoadError) -> Report { try read(path, keepingLines: false).report }

    /// `read(_:)`, and with `keepingLines` the file's job lines (`ReportLines`; of a format-2 file laid out
    /// in lines only) for the next write to copy those that did not change.
    static func read(
        _ path: String,
        keepingLines: Bool
    ) throws(ReportLoadError) -> (report: Report, lines: ReportLines?) {
        var report: Report
        var kept: (file: ReadableFile, tables: JobTables, spans: [JobLines.Span])?
        do {
            let declared: ReportTotals?
            let file = try open(path, maximumSize: StateFileLimits.reportBytes)
            var seal = JobLines.Seal.none
            if let (makeReport, jobs, spans, read) = try JobLines.read(
                file,
                maximumLineLength: StateFileLimits.reportLineBytes,
                header: lineDecoders
            ) {
                let tables: JobTables?
                (report, declared, tables) = makeReport(jobs)
                seal = read
                if keepingLines, let tables { kept = (file, tables, spans) }
            } else {
                (report, declared) = try readWhole(path)
            }
            // What is wrong inside first (a line's impossible values say more), then whether anything changed.
            try report.validate()
            if let declared { try report.checkAgainst(declared: declared) }
            if case .broken(let line) = seal { throw ReportLoadError(path: path, reason: Self.changed(line: line)) }
        } catch let error as ReportLoadError {
            throw error
        } catch let error as FileSystemError {
            throw ReportLoadError(path: path, reason: error.reason)
        } catch let error as FormatError {
            throw ReportLoadError(path: path, reason: error.description)
        } catch let error as JobLines.LineError {
            throw ReportLoadError(path: path, reason: error.description)
        } catch {
            throw ReportLoadError(path: path, reason: "not an ossbatch report (\(FormatError.describing(error)))")
        }
        report.shareRepeatedValues()
        // Fingerprinted as read, before a journal changes any job.
        let jobs = report.jobs
        let lines = kept.map {
            ReportLines(
                file: $0.file,
                tables: $0.tables,
                jobCount: jobs.count,
                spans: $0.spans,
                fingerprints: ReportLines.fingerprints(of: jobs)
            )
        }
        return (report, lines)
    }

    /// Why a report whose checksum does not match is refused, and the way out: its batch can be neither
    /// resumed nor aborted through it (what it says of each job may not be so), and a nightly `run` does not
    /// replace an unfinished one.
    static func changed(line: Int) -> String {
        "line \(line): the report's checksum (crc64) does not match what comes before it: the report was edited or "
            + "damaged since ossbatch wrote it, so what it says of each file cannot be trusted, and it is neither "
            + "resumed nor aborted. Move it away, then run the manifest again (files already stored go again, or "
            + "none with if_exists: skip or upload.unchanged: skip); 'ossbatch uploads MANIFEST --abort' aborts the "
            + "multipart uploads it left open"
    }

    /// For a report laid out in lines: from its header, how to make the report and how to decode a job line.
    private static func lineDecoders(
        _ header: Data
    ) throws -> (
        ([ReportJob]) -> (Report, ReportTotals?, JobTables?),
        @Sendable (JSONDecoder, ArraySlice<UInt8>) throws -> ReportJob
    ) {
        let decoder = JSONDecoder()
        switch try decoder.decode(FormatTag.self, from: header).format {
        case Report.currentFormat:
            let head = try decoder.decode(ReportHeader.self, from: header)
            let tables = head.tables
            return (
                { (head.report(jobs: $0), head.totals, tables) },
                { try (JobLineScanner.record($1) ?? $0.decode(JobRecord.self, from: Data($1))).reportJob(in: tables) }
            )
        case ReportV1.format:
            let head = try decoder.decode(ReportV1.Header.self, from: header)
            return (
                { (head.report(jobs: $0), nil, nil) }, { try $0.decode(ReportV1.Job.self, from: Data($1)).reportJob() }
            )
        case let other:
            throw FormatError("unsupported report format '\(other)'")
        }
    }

    /// The report file at `path`, opened for reading.
    private static func open(_ path: String, maximumSize: Int64) throws -> ReadableFile {
        guard let file = try StateFile.openForReading(path, maximumSize: maximumSize) else {
            throw ReportLoadError(path: path, reason: "no such report")
        }
        return file
    }

    /// A report as one JSON document in any layout, and the totals its header declares (format 2).
    private static func readWhole(_ path: String) throws -> (Report, ReportTotals?) {
        let data = Data(try open(path, maximumSize: StateFileLimits.wholeReportBytes).readAll())
        let decoder = JSONDecoder()
        switch try decoder.decode(FormatTag.self, from: data).format {
        case Report.currentFormat:
            let head = try decoder.decode(ReportHeader.self, from: data)
            let tables = head.tables
            let report = head.report(
                jobs: try jobs(decoder.decode(JobsMember<JobRecord>.self, from: data)) { try $0.reportJob(in: tables) }
            )
            return (report, head.totals)
        case ReportV1.format:
            let head = try decoder.decode(ReportV1.Header.self, from: data)
            let report = head.report(
                jobs: try jobs(decoder.decode(JobsMember<ReportV1.Job>.self, from: data)) { try $0.reportJob() }
            )
            return (report, nil)
        case let other:
            throw FormatError("unsupported report format '\(other)'")
        }
    }

    private static func jobs<Record>(
        _ member: JobsMember<Record>,
        _ convert: (Record) throws -> ReportJob
    ) throws(FormatError) -> [ReportJob] {
        var jobs: [ReportJob] = []
        jobs.reserveCapacity(member.jobs.count)
        for (i, record) in member.jobs.enumerated() {
            do { jobs.append(try convert(record)) } catch {
                throw FormatError("jobs[\(i)]: \(FormatError.describing(error))")
            }
        }
        return jobs
    }

    /// The `jobs` member of a whole document.
    private struct JobsMember<Record: Decodable>: Decodable {
        var jobs: [Record]

        private enum CodingKeys: String, CodingKey { case jobs }
    }
}

extension JobRecord {
    /// A report line's job and outcome; a problem is named with the job's key.
    func reportJob(in tables: JobTables) throws(FormatError) -> ReportJob {
        do {
            return ReportJob(spec: try job(in: tables), outcome: try outcome())
        } catch {
            throw FormatError("job '\(key.prefix(200))': \(error.description)")
        }
    }
}

extension Report {
    /// Decoding gave every job its own strings for its key's directory (and, from format 1, its own options
    /// and source directory); share equal ones again, as a fresh plan does (memory).
    mutating func shareRepeatedValues() {
        // By the bytes they send (`ExactOptions`): canonically equivalent metadata are two options values.
        var distinctOptions: Set<ExactOptions> = []
        // By their bytes (`ExactString`): canonically equivalent spellings are two directories, two keys.
        var directories: Set<ExactString> = []
        var lastOptions: ObjectOptions?
        // Neighbouring jobs mostly share their directories (a directory's files): comparing with the previous
        // job's first is cheaper than hashing (equal strings that are one compare by identity).
        var lastLocation = ""
        var lastKey = ""
        for i in jobs.indices {
            var spec = jobs[i].spec
            // Options from a table are shared already: consecutive jobs then compare by identity.
            if let lastOptions, ExactOptions.same(spec.options, lastOptions) {
                spec.options = lastOptions
            } else {
                spec.options = distinctOptions.insert(ExactOptions(spec.options)).memberAfterInsert.value
            }
            lastOptions = spec.options
            let (location, key) = (spec.location, spec.objectKey)
            if !ExactString.same(location.directory, lastLocation) {
                lastLocation = directories.insert(ExactString(location.directory)).memberAfterInsert.value
            }
            if !ExactString.same(key.directory, lastKey) {
                lastKey = directories.insert(ExactString(key.directory)).memberAfterInsert.value
            }
            spec.location = SplitPath(directory: lastLocation, name: location.name)
            spec.objectKey = SplitPath(
                directory: lastKey,
                name: ExactString.same(key.name, location.name) ? location.name : key.name
            )
            jobs[i].spec = spec
        }
    }
}
