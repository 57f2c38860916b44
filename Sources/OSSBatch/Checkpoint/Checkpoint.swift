import Digests
import Foundation

/// One multipart job's progress, as kept on disk between runs: which upload, for which version of which
/// file, cut how, and every part OSS confirmed (number, size, ETag, CRC-64). No secrets. On disk it is
/// `ossbatch-checkpoint/2` (`Checkpoint+Coding.swift`, `CheckpointStore`).
package struct Checkpoint: Sendable, Hashable {
    package static let currentFormat = "ossbatch-checkpoint/2"

    package struct Part: Sendable, Hashable {
        package var number: Int
        package var size: Int64
        package var etag: String
        package var crc64: UInt64

        package init(number: Int, size: Int64, etag: String, crc64: UInt64) {
            self.number = number
            self.size = size
            self.etag = etag
            self.crc64 = crc64
        }
    }

    package var bucket: String
    package var key: String
    package var source: String
    package var identity: SourceIdentity
    package var partSize: Int64
    package var partCount: Int
    package var uploadID: String
    /// Confirmed parts, sorted by number.
    package var parts: [Part]
    /// Set just before CompleteMultipartUpload is sent: if the process dies after that, the upload may have
    /// been completed, and `resume` settles it with HEAD (size and CRC-64) instead of uploading again.
    package var completing: Bool
    package var createdAt: String
    /// The report of the batch whose upload this is (absolute path): `abort` of another report leaves it
    /// alone. A batch that continues the upload takes it over. `nil` in checkpoints of format 1.
    package var report: String?
    /// The source's ctime (ns) when its parts were read: a rewrite that keeps size and mtime (`touch -r`)
    /// still moves it, so a resume that finds another ctime proves each part against the file before reusing
    /// it. `nil` in checkpoints written before it was recorded, and when it had not settled as the parts were
    /// read (`SettledChangeTime`: a rewrite within its tick would not have moved it): treated the same way.
    package var ctimeNanoseconds: Int64?
    /// The sweep for uploads a lost Initiate answer may have started (`StraySweep`) has not run to its end: the
    /// run was stopped or its listing failed. The run that continues the upload sweeps first.
    package var sweepOwed = false

    package init(
        bucket: String,
        key: String,
        source: String,
        identity: SourceIdentity,
        partPlan: PartPlan,
        uploadID: String,
        report: String? = nil
    ) {
        self.bucket = bucket
        self.key = key
        self.source = source
        self.identity = identity
        partSize = partPlan.partSize
        partCount = partPlan.partCount
        self.uploadID = uploadID
        parts = []
        completing = false
        createdAt = Timestamp.iso8601()
        self.report = report
    }

    /// A checkpoint as a file holds it; its parts must fit its part plan.
    init(
        bucket: String,
        key: String,
        source: String,
        identity: SourceIdentity,
        partPlan: PartPlan,
        uploadID: String,
        parts: [Part],
        completing: Bool,
        createdAt: String
    ) throws(FormatError) {
        self.init(bucket: bucket, key: key, source: source, identity: identity, partPlan: partPlan, uploadID: uploadID)
        self.parts = parts.sorted { $0.number < $1.number }
        self.completing = completing
        self.createdAt = createdAt
        var previous = 0
        for part in self.parts {
            guard part.number > previous, part.number <= partCount,
                part.size == partPlan.range(ofPart: part.number, fileSize: identity.size).length
            else {
                throw FormatError("part \(part.number) does not fit the part plan or is listed twice")
            }
            previous = part.number
        }
    }

    package var partPlan: PartPlan { PartPlan(partSize: partSize, partCount: partCount) }

    /// Records a confirmed part (replacing an earlier record of the same number).
    package mutating func record(_ part: Part) {
        if let i = parts.firstIndex(where: { $0.number == part.number }) {
            parts[i] = part
        } else {
            parts.append(part)
            parts.sort { $0.number < $1.number }
        }
    }

    /// The whole object's CRC-64 when every part is recorded, combined in part order; `nil` otherwise.
    package var objectCRC64: UInt64? {
        guard parts.count == partCount else { return nil }
        var crc = CRC64()
        for part in parts { crc.append(crc: part.crc64, length: UInt64(part.size)) }
        return crc.value
    }
}

/// Why a checkpoint on disk cannot be used.
package enum CheckpointProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not JSON, truncated, or its checksum does not match its content.
    case corrupt(String)
    /// The source file is not the version the checkpoint's parts came from.
    case sourceChanged(String)
    /// Another bucket, key, source or part plan than the job's.
    case mismatched(String)
    /// The file could not be read now (no descriptor left, an I/O error): kept, not judged.
    case unreadable(String)

    package var description: String {
        switch self {
        case .corrupt(let s): return "checkpoint is corrupt (\(s))"
        case .sourceChanged(let s): return "source changed since the checkpoint (\(s))"
        case .mismatched(let s): return "checkpoint is for another upload (\(s))"
        case .unreadable(let s): return "checkpoint cannot be read now (\(s))"
        }
    }
}
