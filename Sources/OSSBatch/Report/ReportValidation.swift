import Dispatch
import Foundation
import LocalFiles
import OSSProtocol

/// A report read from a file is input: edited, damaged or forged, it must never crash `resume` or `abort`
/// nor make them upload something else than the plan said. These checks run on every report loaded, of any
/// format and layout; a failure names the field, and the job by key and position.
extension Report {
    /// Checks the header and every job; throws the first problem found.
    func validate() throws(FormatError) {
        try validateHeader()
        if jobsPassOnAllCores() { return }
        var keys = Set<SplitPath>()
        keys.reserveCapacity(jobs.count)
        var bytes: Int64 = 0
        for (i, job) in jobs.enumerated() {
            do throws(FormatError) {
                try job.validate()
                guard keys.insert(job.spec.objectKey).inserted else { throw FormatError("'key' appears twice") }
                let (sum, overflow) = bytes.addingReportingOverflow(job.spec.size)
                guard !overflow else { throw FormatError("the sizes of the jobs up to this one pass 2^63 bytes") }
                bytes = sum
            } catch {
                throw FormatError("job '\(job.spec.key.prefix(200))' (jobs[\(i)]): \(error.description)")
            }
        }
    }

    /// Whether every job passes the checks of `validate`, checked on all cores (reports of 1,000,000 jobs are
    /// read at every resume): each job, its size (not negative, and the sum below 2^63), and its key after the
    /// previous one — keys in rising byte order (as plans write them) are all different. (Not `String`'s
    /// order: it takes a composed and a decomposed "é" for one key, and a report holding both was refused.) `false` for anything else, keys out of order included: then the jobs are
    /// checked again one after another, which names the first problem.
    private func jobsPassOnAllCores() -> Bool {
        let jobs = self.jobs
        let parts = DispatchQueue.ranges(splitting: jobs.count)
        let sums = DispatchQueue.concurrentMap(iterations: parts.count) { part -> Int64? in
            var bytes: Int64 = 0
            for i in parts[part] {
                // Neighbours mostly share their directory, checked once for all of them.
                let sameDirectory =
                    i > parts[part].lowerBound
                    && jobs[i - 1].spec.location.directory == jobs[i].spec.location.directory
                guard (try? jobs[i].validate(directoryChecked: sameDirectory)) != nil, jobs[i].spec.size >= 0,
                    i == 0 || SplitPath.precedes(jobs[i - 1].spec.objectKey, jobs[i].spec.objectKey)
                else { return nil }
                let (sum, overflow) = bytes.addingReportingOverflow(jobs[i].spec.size)
                guard !overflow else { return nil }
                bytes = sum
            }
            return bytes
        }
        var total: Int64 = 0
        for sum in sums {
            guard let sum else { return false }
            let (next, overflow) = total.addingReportingOverflow(sum)
            guard !overflow else { return false }
            total = next
        }
        return true
    }

    /// A valid report's jobs must be as many, and as large, as the `totals` its file declares: the totals are
    /// written from the job lines, so a job line deleted, duplicated or resized since shows.
    func checkAgainst(declared totals: ReportTotals) throws(FormatError) {
        guard jobs.count == totals.jobs else {
            throw FormatError("the report has \(jobs.count) job lines but its totals say \(totals.jobs) jobs")
        }
        let bytes = jobs.reduce(Int64(0)) { $0 + $1.spec.size }  // no overflow: `validate` checked the sum
        guard bytes == totals.bytes else {
            throw FormatError("the job lines add up to \(bytes) bytes but the report's totals say \(totals.bytes)")
        }
    }

    /// A job line's checkpoint is named for its bucket, key and source (`CheckpointStore.fileName`): one
    /// that is not was made for another target than the report names now — its header or the line was edited
    /// (a bucket changed by hand sent the batch to the other bucket and left the checkpoints' uploads open in
    /// the first, for ever). Refused, so the report is mended or the batch aborted as it was.
    func checkCheckpointNames() throws(FormatError) {
        for job in jobs {
            guard let checkpoint = job.outcome.checkpoint else { continue }
            let expected = CheckpointStore.fileName(bucket: target.bucket, key: job.spec.key, source: job.spec.source)
            guard (checkpoint as NSString).lastPathComponent == expected else {
                throw FormatError(
                    "job '\(job.spec.key.prefix(200))': its checkpoint \(checkpoint.prefix(300)) was not made for "
                        + "oss://\(target.bucket.prefix(64))/\(job.spec.key.prefix(200)) from \(job.spec.source.prefix(300)): "
                        + "the report was edited since; restore it as it was, then resume or abort"
                )
            }
        }
    }

    private func validateHeader() throws(FormatError) {
        if let problem = BucketName.problem(with: target.bucket) { throw FormatError("target.bucket: \(problem)") }
        guard TargetOverrides.endpointURL(target.endpoint) != nil else {
            throw FormatError(
                "target.endpoint '\(SecretRedaction.hidingUserInfo(target.endpoint).prefix(200))' is not an endpoint"
            )
        }
        guard !target.region.isEmpty, target.region.utf8.count <= 64,
            target.region.utf8.allSatisfy({ Self.isRegionByte($0) })
        else { throw FormatError("target.region '\(target.region.prefix(64))' is not a region") }
        try Self.checkAbsolute(manifest, "manifest")
        try Self.checkAbsolute(upload.checkpointDir, "upload.checkpoint_dir")
        if let file = credentials?.file { try Self.checkAbsolute(file, "credentials.file") }
        try upload.checkUsable()
    }

    private static func isRegionByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte == UInt8(ascii: "-")
    }

    static func checkAbsolute(_ path: String, _ field: String) throws(FormatError) {
        guard path.hasPrefix("/"), !ByteSearch.contains(0, in: path) else {
            throw FormatError("'\(field)' '\(path.prefix(200))' is not an absolute path")
        }
    }
}

extension ReportJob {
    /// The job as planned (key, source, size against its upload method) and its outcome.
    /// `directoryChecked`: the job's directory is one checked already (of the job before it).
    func validate(directoryChecked: Bool = false) throws(FormatError) {
        let namesAnObject = !(outcome.status == .skipped && outcome.reason?.keyIsShownOnly == true)
        if let problem = ObjectKey.problem(with: spec.objectKey, namesAnObject: namesAnObject) {
            throw FormatError("'key': \(problem)")
        }
        if !directoryChecked {
            try Report.checkAbsolute(spec.location.directory, "dir")
            // Plans write sources normalized: a `.` or `..` in one is an edit that would read another file.
            if spec.location.directory.split(separator: "/").contains(where: { $0 == "." || $0 == ".." }) {
                throw FormatError("'dir' '\(spec.location.directory.prefix(200))' is not a normalized path")
            }
        }
        // A directory that could not be listed is a skipped line with no file name.
        let unlistable = outcome.status == .skipped && outcome.reason == .unlistable
        guard
            spec.location.name.isEmpty
                ? unlistable : !spec.location.name.utf8.contains(where: { $0 == UInt8(ascii: "/") || $0 == 0 })
        else { throw FormatError("'name' '\(spec.location.name.prefix(200))' is not a file name") }
        switch spec.method {
        case .put:
            guard spec.size >= 0, spec.size <= PartPlanner.maximumPutSize else {
                throw FormatError(
                    "'size' \(spec.size) cannot go up in one PutObject (0 to \(PartPlanner.maximumPutSize))"
                )
            }
        case .multipart(let plan):
            // The part plan was checked against the size as it was decoded; checked again here for reports
            // built otherwise.
            _ = try PartPlan.validated(partSize: plan.partSize, partCount: plan.partCount, fileSize: spec.size)
        }
        try outcome.validate(for: spec)
    }
}

extension JobOutcome {
    /// What no run under `upload` writes to a journal (a journal holds outcomes as a run ends each job; the
    /// plan's skips are in the report's lines only): a `succeeded` without the CRC-64 every success records,
    /// a skip for a reason only the plan gives, `identical` without `if_exists: skip`. Believed, such a line
    /// made a file `succeeded` or `skipped` that was never uploaded, exit 0 (audit of 7f6ac3f).
    func validateAsJournaled(under upload: UploadSettings) throws(FormatError) {
        switch status {
        case .succeeded:
            guard crc64 != nil else { throw FormatError("'succeeded' without the 'crc64' every upload records") }
        case .skipped:
            switch reason {
            case .vanished?:
                break
            case .identical?, nil:  // a line without a reason was written before reasons: `identical`
                guard upload.ifExists == .skip else {
                    throw FormatError("skipped as 'identical', but the batch's if_exists is not 'skip'")
                }
            default:
                throw FormatError("skipped as '\(reason?.rawValue ?? "")', which only a plan records")
            }
        case .failed, .pending:
            break
        }
    }

    /// Values no run of `job` can have recorded: negative counters, a CRC-64 that is not one, a checkpoint
    /// for a job sent in one PutObject, more parts reused than it has.
    func validate(for job: UploadJob) throws(FormatError) {
        guard attempts >= 0 else { throw FormatError("'attempts' \(attempts) is negative") }
        guard bytesSent >= 0 else { throw FormatError("'bytes_sent' \(bytesSent) is negative") }
        guard durationMilliseconds >= 0 else { throw FormatError("'duration_ms' \(durationMilliseconds) is negative") }
        if !crc64IsNumber, let crc64 { throw FormatError("'crc64' \"\(crc64.prefix(40))\" is not a CRC-64") }
        if let callback, !(100...599).contains(callback.status) {
            throw FormatError("'callback.status' \(callback.status) is not an HTTP status")
        }
        switch job.method {
        case .put:
            guard checkpoint == nil else { throw FormatError("'checkpoint' on a job sent in one PutObject") }
        case .multipart(let plan):
            if let partsReused, partsReused < 0 || partsReused > plan.partCount {
                throw FormatError("'parts_reused' \(partsReused) is not 0 to \(plan.partCount)")
            }
        }
    }
}
