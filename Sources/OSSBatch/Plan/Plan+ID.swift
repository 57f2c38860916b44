import Digests
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
        let skipped = skipped.span
        for i in skipped.indices { hasher.add(skipped[i]) }
        return hasher.finish()
    }
}

/// The plan ID, fed job by job: the jobs to upload in plan order, then the skipped files. The canonical bytes
/// are hashed in chunks of about 1 MiB and the chunk digests hashed again, so 200,000 jobs never need one big
/// buffer. The skipped files extend the last chunk, however long (a night of 200,000 unchanged files makes it
/// 45 MB), and are absent when nothing was skipped, so such a plan's ID is what it was before skipping existed.
struct PlanIDHasher {
    private var chunkDigests: [UInt8] = []
    private var chunk: [UInt8] = []
    /// The last chunk, once skipped files extend it: hashed as it is made rather than held.
    private var last: StreamingDigest?
    /// The last options written and their canonical form: jobs share a few options values, and writing the
    /// form again (its maps sorted) for every job was a quarter of hashing a plan (perf, 2026-12-03).
    private var lastOptions: (options: ObjectOptions, form: [UInt8])?

    init() { chunk.reserveCapacity(1 << 20 + 4096) }

    /// The next job to upload (none may come after a skipped file).
    mutating func add(_ job: UploadJob) {
        precondition(last == nil, "the plan ID takes the jobs to upload before the skipped files")
        append(job)
        if chunk.count >= 1 << 20 {
            chunkDigests += SHA256.hash(chunk)
            chunk.removeAll(keepingCapacity: true)
        }
    }

    /// The next skipped file.
    mutating func add(_ item: SkippedSource) {
        let last = self.last ?? StreamingDigest(.sha256)
        self.last = last
        chunk += Self.skippedPrefix
        chunk += item.reason.rawValue.utf8
        chunk.append(0)
        append(item.job)
        if chunk.count >= 1 << 20 {
            last.update(chunk)
            chunk.removeAll(keepingCapacity: true)
        }
    }

    private static let skippedPrefix = Array("skipped:".utf8)

    /// `job`'s canonical form, its options' part copied when they are the last job's.
    private mutating func append(_ job: UploadJob) {
        var last = lastOptions
        job.appendCanonicalForm(to: &chunk) { options, bytes in
            if let last, last.options == options {
                bytes += last.form
            } else {
                var form: [UInt8] = []
                options.appendCanonicalForm(to: &form)
                bytes += form
                last = (options, form)
            }
        }
        lastOptions = last
    }

    /// The hex ID.
    consuming func finish() -> String {
        if let last {
            last.update(chunk)
            chunkDigests += last.finalize()
        } else if !chunk.isEmpty || chunkDigests.isEmpty {
            chunkDigests += SHA256.hash(chunk)
        }
        return SHA256.hash(chunkDigests).hexString
    }
}

extension UploadJob {
    /// Fields each followed by NUL (which cannot occur in paths, keys or header values); maps sorted by
    /// key; a job ends with a newline.
    func appendCanonicalForm(to bytes: inout [UInt8]) {
        appendCanonicalForm(to: &bytes) { options, bytes in options.appendCanonicalForm(to: &bytes) }
    }

    /// The canonical form, `appendOptions` writing the options' part (the same bytes, perhaps kept from before).
    func appendCanonicalForm(
        to bytes: inout [UInt8],
        appendOptions: (ObjectOptions, inout [UInt8]) -> Void
    ) {
        func field(_ text: String) {
            bytes.append(contentsOf: text.utf8)
            bytes.append(0)
        }
        // The same bytes as the joined strings and `String(n)`, without building them.
        func field(_ path: SplitPath) {
            bytes.append(contentsOf: path.directory.utf8)
            bytes.append(contentsOf: path.name.utf8)
            bytes.append(0)
        }
        func field(_ n: some BinaryInteger) {
            DecimalDigits.append(n, to: &bytes)
            bytes.append(0)
        }
        field(objectKey)
        field(location)
        field(identity.size)
        field(identity.mtimeNanoseconds)
        field(identity.inode)
        field(identity.device)
        switch method {
        case .put: field("put")
        case .multipart(let plan):
            field("multipart")
            field(plan.partSize)
            field(plan.partCount)
        }
        appendOptions(options, &bytes)
        bytes.append(0x0A)
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
