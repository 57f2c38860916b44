import Digests
import Dispatch
import LocalFiles
import OSSKit
import OSSProtocol

extension Plan {
    /// A stable identity of the job list: hex SHA-256 over the jobs' canonical forms (key, source, size,
    /// mtime, inode, device, method, options), in plan order, then the skipped files' (each with its
    /// reason). Two plans with equal IDs upload the same files the same way (`PlanIDHasher`).
    package var planID: String {
        var hasher = PlanIDHasher()
        // Job by job in place in their chunks (a nightly plan of 200,000 files is hashed once per run).
        // Read through spans, which lend each element where it is: an array's subscript copied each one (its
        // references retained and released).
        for chunk in jobs.chunks {
            let jobs = chunk.span
            for i in jobs.indices { hasher.add(jobs[i]) }
        }
        hasher.add(skipped: skipped)
        return hasher.finish()
    }
}

/// The plan ID, fed job by job: the jobs to upload in plan order, then the skipped files. The canonical bytes
/// are hashed in chunks of about 1 MiB and the chunk digests hashed again, so 200,000 jobs never need one big
/// buffer. The skipped files, when there are any, add one digest: of their forms' digests, `skippedGroup`
/// files at a time, hashed on all cores. A plan that skips nothing has the ID it had before skipping existed.
struct PlanIDHasher {
    private var chunkDigests: [UInt8] = []
    private var chunk: [UInt8] = []
    /// The last options written and their canonical form: jobs share a few options values, and writing the
    /// form again (its maps sorted) for every job was a quarter of hashing a plan (perf, 2026-12-03).
    private var lastOptions: (options: ObjectOptions, form: [UInt8])?
    /// Whether the skipped files are in: nothing may come after them.
    private var hashedSkipped = false

    init() { chunk.reserveCapacity(1 << 20 + 4096) }

    /// The next job to upload (none may come after the skipped files).
    mutating func add(_ job: UploadJob) {
        precondition(!hashedSkipped, "the plan ID takes the jobs to upload before the skipped files")
        Self.append(job, to: &chunk, lastOptions: &lastOptions)
        if chunk.count >= 1 << 20 {
            chunkDigests += SHA256.hash(chunk)
            chunk.removeAll(keepingCapacity: true)
        }
    }

    /// How many skipped files one digest covers: groups of a fixed count, so that they are hashed on all
    /// cores at once (a night of 200,000 unchanged files skips them all; hashed in one stream, on one core,
    /// that was a tenth of the run, 2026-12-03).
    static let skippedGroup = 4_096

    /// The files the plan skipped, in order; once, after the jobs.
    mutating func add(skipped: [ReportJob]) {
        precondition(!hashedSkipped, "the plan ID takes the skipped files once")
        guard !skipped.isEmpty else { return }
        hashedSkipped = true
        let groups = (skipped.count + Self.skippedGroup - 1) / Self.skippedGroup
        let digests = DispatchQueue.concurrentMap(iterations: groups) { group in
            let start = group * Self.skippedGroup
            return Self.digest(of: skipped, start..<min(start + Self.skippedGroup, skipped.count))
        }
        if !chunk.isEmpty {
            chunkDigests += SHA256.hash(chunk)
            chunk.removeAll()
        }
        chunkDigests += SHA256.hash(digests.flatMap { $0 })
    }

    /// A literal: a shared array was retained at each use, on every core at once (perf, 2026-12-03).
    private static var skippedPrefix: String.UTF8View { "skipped:".utf8 }

    /// The digest of the forms of `skipped[range]`, each after `skipped:` and its reason. Each job is read
    /// field by field where the array keeps it: passed whole to a function (even `borrowing`, through a span),
    /// it was copied first, its options retained and released, the same object on every core at once (perf,
    /// 2026-12-03).
    private static func digest(of skipped: [ReportJob], _ range: Range<Int>) -> [UInt8] {
        var bytes: [UInt8] = []
        // Apart, not as an optional pair: binding the pair to compare it copied it, retaining the options every
        // job shares, on every core at once (perf, 2026-12-06).
        var lastOptions = ObjectOptions()
        var lastForm: [UInt8]?
        for i in range {
            bytes += skippedPrefix
            // Every line the plan skipped has its reason. Read as a stored field: through `skipReason`, a
            // computed property, each line was copied out of the array first (its strings retained).
            bytes += (skipped[i].recorded.reason?.rawValue ?? "").utf8
            bytes.append(0)
            if lastForm == nil || skipped[i].spec.options != lastOptions {
                var form: [UInt8] = []
                skipped[i].spec.options.appendCanonicalForm(to: &form)
                (lastOptions, lastForm) = (skipped[i].spec.options, form)
            }
            UploadJob.appendCanonicalForm(
                objectKey: skipped[i].spec.objectKey,
                location: skipped[i].spec.location,
                identity: skipped[i].spec.identity,
                method: skipped[i].spec.method,
                optionsForm: lastForm ?? [],
                to: &bytes
            )
        }
        return SHA256.hash(bytes)
    }

    /// The canonical form of `job`, a shared options value's made once (`lastOptions` keeps the last).
    private static func append(
        _ job: borrowing UploadJob,
        to bytes: inout [UInt8],
        lastOptions: inout (options: ObjectOptions, form: [UInt8])?
    ) {
        if lastOptions == nil || lastOptions?.options != job.options {
            var form: [UInt8] = []
            job.options.appendCanonicalForm(to: &form)
            lastOptions = (job.options, form)
        }
        job.appendCanonicalForm(to: &bytes, optionsForm: lastOptions?.form ?? [])
    }

    /// The hex ID.
    consuming func finish() -> String {
        if !chunk.isEmpty || chunkDigests.isEmpty {
            chunkDigests += SHA256.hash(chunk)
        }
        return SHA256.hash(chunkDigests).hexString
    }
}

extension UploadJob {
    /// Fields each followed by NUL (which cannot occur in paths, keys or header values); maps sorted by
    /// key; a job ends with a newline.
    func appendCanonicalForm(to bytes: inout [UInt8]) {
        var form: [UInt8] = []
        options.appendCanonicalForm(to: &form)
        appendCanonicalForm(to: &bytes, optionsForm: form)
    }

    /// The canonical form, with `optionsForm` as the options' part (their form, perhaps kept from before).
    func appendCanonicalForm(to bytes: inout [UInt8], optionsForm: [UInt8]) {
        Self.appendCanonicalForm(
            objectKey: objectKey,
            location: location,
            identity: identity,
            method: method,
            optionsForm: optionsForm,
            to: &bytes
        )
    }

    /// The canonical form of a job with these fields (`appendCanonicalForm(to:optionsForm:)`), for a caller
    /// that reads a job's fields where an array keeps it rather than pass the job, which copies it.
    ///
    /// The whole form in one reservation, written through an `OutputSpan` (as `JobLineWriter` writes report
    /// lines): an append a field checked the array's uniqueness and capacity a dozen times a job, two thirds
    /// of hashing a night of 200,000 unchanged files (perf, 2026-12-06).
    static func appendCanonicalForm(
        objectKey: SplitPath,
        location: SplitPath,
        identity: SourceIdentity,
        method: UploadMethod,
        optionsForm: [UInt8],
        to bytes: inout [UInt8]
    ) {
        let strings =
            objectKey.directory.utf8.count + objectKey.name.utf8.count + location.directory.utf8.count
            + location.name.utf8.count + optionsForm.count
        bytes.append(addingCapacity: strings + longestFormBesideStrings) { out in
            // The same bytes as the joined strings and `String(n)`, each field followed by NUL.
            put(objectKey.directory.utf8.span, &out)
            put(objectKey.name.utf8.span, &out)
            out.append(0)
            put(location.directory.utf8.span, &out)
            put(location.name.utf8.span, &out)
            out.append(0)
            number(identity.size, &out)
            number(identity.mtimeNanoseconds, &out)
            number(identity.inode, &out)
            number(identity.device, &out)
            switch method {
            case .put:
                put("put".utf8.span, &out)
                out.append(0)
            case .multipart(let plan):
                put("multipart".utf8.span, &out)
                out.append(0)
                number(plan.partSize, &out)
                number(plan.partCount, &out)
            }
            put(optionsForm.span, &out)
            out.append(0x0A)
        }
    }

    /// The most bytes a canonical form takes beside its strings and options: six NULs, four numbers, the
    /// method with two numbers and theirs, and the newline.
    private static let longestFormBesideStrings =
        6 + 4 * (DecimalDigits.longest + 1) + 10 + 2 * (DecimalDigits.longest + 1) + 1

    private static func put(_ span: Span<UInt8>, _ out: inout OutputSpan<UInt8>) {
        for i in span.indices { out.append(span[i]) }
    }

    private static func number(_ n: some BinaryInteger, _ out: inout OutputSpan<UInt8>) {
        DecimalDigits.append(n, to: &out)
        out.append(0)
    }
}

extension ObjectOptions {
    /// The options' part of a job's canonical form (the plan ID's, and the upload index's options hash).
    func appendCanonicalForm(to bytes: inout [UInt8]) {
        func field(_ text: String) {
            bytes.append(contentsOf: text.utf8)
            bytes.append(0)
        }
        func map(_ values: [String: String]) {
            for (k, v) in values.sorted(by: { ByteOrder.precedes($0.key, $1.key) }) {
                field(k)
                field(v)
            }
            bytes.append(1)
        }
        let o = self
        field(o.contentType ?? "")
        field(o.acl.rawValue)
        field(o.storageClass.rawValue)
        map(o.metadata)
        map(o.tags)
        field(o.cacheControl ?? "")
        field(o.contentDisposition ?? "")
        field(o.contentEncoding ?? "")
        field(o.forbidOverwrite ? "1" : "0")
        if let c = o.callback {
            field(c.url)
            field(c.host ?? "")
            field(c.body)
            field(c.bodyType ?? "")
            map(c.vars)
        }
        // Only when set, so plans without encryption keep the IDs they had before these options existed.
        if let sse = o.serverSideEncryption {
            field("sse")
            field(sse.rawValue)
            field(o.sseKMSKeyID ?? "")
            field(o.sseDataEncryption?.rawValue ?? "")
        }
    }
}
