import OSSProtocol

/// One job as a line of a format-2 document, flat and snake_case, each value written once:
/// - a report line: the job (`key`, `dir`, `name`, `size`, `mtime_ns`, `inode`, `part_size`, `part_count`,
///   `options`), then its outcome (`status`, `reason`, …);
/// - a plan line: the job (and, for a file the plan skips, `status` and `reason`);
/// - a journal line: `key` and the outcome, plus the version of the file (`size`, `mtime_ns`, `inode`,
///   `device`, part plan) when the job ran as another version than the planned one.
///
/// Every member is optional here because each kind of line holds its own subset; the conversions below
/// require what their kind needs. Integers that can pass 2^53 (`mtime_ns`, `inode`, `crc64`) are strings,
/// so that no JSON reader rounds them. Counters that are zero are left out.
struct JobRecord: Codable, Sendable {
    var key: String
    var dir: Int?
    var name: String?
    var size: Int64?
    var mtimeNs: String?
    var inode: String?
    var device: UInt64?
    var partSize: Int64?
    var partCount: Int?
    var options: Int?
    var status: JobStatus?
    var reason: SkipReason?
    var uploadID: String?
    var etag: String?
    var crc64: String?
    var attempts: Int?
    var bytesSent: Int64?
    var partsReused: Int?
    var durationMs: Int64?
    var callback: CallbackResult?
    var checkpoint: String?
    var error: JobError?
    var warnings: [String]?
    var ctimeNs: String?
    var copiedFrom: String?

    /// The members' names in a line (`JobLineScanner` reads them too).
    enum CodingKeys: String, CodingKey, CaseIterable {
        case key, dir, name, size
        case mtimeNs = "mtime_ns"
        case inode, device
        case partSize = "part_size"
        case partCount = "part_count"
        case options, status, reason
        case uploadID = "upload_id"
        case etag, crc64, attempts
        case bytesSent = "bytes_sent"
        case partsReused = "parts_reused"
        case durationMs = "duration_ms"
        case callback, checkpoint, error, warnings
        case ctimeNs = "ctime_ns"
        case copiedFrom = "copied_from"
    }

    /// A record of `key` alone, its other members to be filled in by a reader (`JobLineScanner`).
    init(key: String) { self.key = key }

    /// A report line (with `outcome`) or a plan line (without).
    init(job: UploadJob, reference: JobTables.Reference, outcome: JobOutcome?) {
        key = job.key
        dir = Int(reference.directory)
        // The file's name is written only when the key does not end with it (the usual case does).
        if !ExactString.same(job.location.name, job.objectKey.name) { name = job.location.name }
        setVersion(job.identity, job.method)
        options = Int(reference.options)
        if let outcome { setOutcome(outcome) }
    }

    /// A journal line: `outcome`, and `ran` when the job ran as another version of its file than planned.
    init(journal outcome: JobOutcome, ran: UploadJob?) {
        key = outcome.key
        if let ran {
            setVersion(ran.identity, ran.method)
            device = ran.identity.device
        }
        setOutcome(outcome)
    }

    private mutating func setVersion(_ identity: SourceIdentity, _ method: UploadMethod) {
        size = identity.size
        mtimeNs = String(identity.mtimeNanoseconds)
        inode = String(identity.inode)
        if case .multipart(let plan) = method { (partSize, partCount) = (plan.partSize, plan.partCount) }
    }

    private mutating func setOutcome(_ o: JobOutcome) {
        status = o.status
        reason = o.reason
        uploadID = o.uploadID
        etag = o.etag
        crc64 = o.crc64
        attempts = o.attempts == 0 ? nil : o.attempts
        bytesSent = o.bytesSent == 0 ? nil : o.bytesSent
        partsReused = o.partsReused
        durationMs = o.durationMilliseconds == 0 ? nil : o.durationMilliseconds
        callback = o.callback
        checkpoint = o.checkpoint
        error = o.error
        warnings = o.warnings
        ctimeNs = o.ctimeNanoseconds.map { String($0) }
        copiedFrom = o.copiedFrom
    }

    // MARK: reading

    /// The job of a report or plan line, its directory and options looked up in `tables`.
    func job(in tables: JobTables) throws(FormatError) -> UploadJob {
        guard let dir else { throw FormatError("missing field 'dir'") }
        guard let options else { throw FormatError("missing field 'options'") }
        let directory = try tables.directory(dir)
        // Checked before it is joined to its directory: `SplitPath` splits a name with a `/` in it anew, and
        // an edited `"name": "../big/b6.bin"` then passed every later check and uploaded another file under
        // the key (audit of 7f6ac3f).
        if let name, name == "." || name == ".." || name.utf8.contains(where: { $0 == UInt8(ascii: "/") || $0 == 0 }) {
            throw FormatError("'name' '\(name.prefix(200))' is not a file name")
        }
        let identity = try identity(device: directory.device)
        let objectKey = SplitPath(key)
        return UploadJob(
            location: SplitPath(directory: directory.path, name: name ?? objectKey.name),
            objectKey: objectKey,
            identity: identity,
            options: try tables.options(options),
            method: try method(size: identity.size)
        )
    }

    /// The outcome of a report or journal line.
    func outcome() throws(FormatError) -> JobOutcome {
        guard let status else { throw FormatError("missing field 'status'") }
        var ctime: Int64?
        if let ctimeNs {
            guard let value = Int64(ctimeNs) else { throw FormatError("'ctime_ns' \"\(ctimeNs)\" is not an integer") }
            ctime = value
        }
        // An outcome keeps its attempts in 32 bits; more than 2^31 requests for one job is no real count.
        if let attempts, attempts > Int(Int32.max) {
            throw FormatError("'attempts' \(attempts) is out of range")
        }
        return JobOutcome(
            key: key,
            status: status,
            reason: reason,
            uploadID: uploadID,
            etag: etag,
            crc64: crc64,
            attempts: attempts ?? 0,
            bytesSent: bytesSent ?? 0,
            partsReused: partsReused,
            durationMilliseconds: durationMs ?? 0,
            callback: callback,
            checkpoint: checkpoint,
            error: error,
            warnings: warnings,
            ctimeNanoseconds: ctime,
            copiedFrom: copiedFrom
        )
    }

    /// The version of the file a journal line says the job ran as; `nil` when it ran as planned.
    func ranVersion() throws(FormatError) -> (identity: SourceIdentity, method: UploadMethod)? {
        guard size != nil else { return nil }
        guard let device else { throw FormatError("missing field 'device'") }
        let identity = try identity(device: device)
        return (identity, try method(size: identity.size))
    }

    private func identity(device: UInt64) throws(FormatError) -> SourceIdentity {
        guard let size else { throw FormatError("missing field 'size'") }
        guard let mtimeNs else { throw FormatError("missing field 'mtime_ns'") }
        guard let inode else { throw FormatError("missing field 'inode'") }
        guard size >= 0 else { throw FormatError("'size' \(size) is negative") }
        guard let mtime = Int64(mtimeNs) else { throw FormatError("'mtime_ns' \"\(mtimeNs)\" is not an integer") }
        guard let inodeNumber = UInt64(inode) else { throw FormatError("'inode' \"\(inode)\" is not an integer") }
        return SourceIdentity(size: size, mtimeNanoseconds: mtime, inode: inodeNumber, device: device)
    }

    private func method(size: Int64) throws(FormatError) -> UploadMethod {
        switch (partSize, partCount) {
        case (nil, nil): return .put
        case (let partSize?, let partCount?):
            return .multipart(try PartPlan.validated(partSize: partSize, partCount: partCount, fileSize: size))
        default: throw FormatError("'part_size' and 'part_count' go together")
        }
    }
}

extension PartPlan {
    /// A part plan read from a file, checked to cut a file of `fileSize` bytes as the planner would: every
    /// part `partSize` bytes but the last, within OSS's limits.
    static func validated(partSize: Int64, partCount: Int, fileSize: Int64) throws(FormatError) -> PartPlan {
        guard partSize > 0, partSize <= PartPlanner.maximumPartSize,
            partCount >= 1, partCount <= PartPlanner.maximumParts,
            fileSize >= 0, fileSize <= PartPlanner.maximumObjectSize,  // no overflow below
            (fileSize + partSize - 1) / partSize == Int64(partCount)
        else {
            throw FormatError(
                "'size', 'part_size' and 'part_count' disagree: part plan of \(partCount) parts of \(partSize) bytes "
                    + "does not fit \(fileSize) bytes"
            )
        }
        return PartPlan(partSize: partSize, partCount: partCount)
    }
}
