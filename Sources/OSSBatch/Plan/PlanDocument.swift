import Foundation
import OSSKit

/// The `--json` form of a plan: flat, snake_case, keys sorted, so scripts and diffs can rely on it.
public struct PlanDocument: Encodable {
    struct Totals: Encodable {
        var files: Int, bytes: Int64, singlePuts: Int, multipartJobs: Int, parts: Int
    }

    struct Job: Encodable {
        var key: String
        var source: String
        var size: Int64
        var mtimeNs: Int64
        var inode: UInt64
        var device: UInt64
        var method: String
        var partSize: Int64?
        var partCount: Int?
        var options: ObjectOptions
    }

    var manifest: String
    var planId: String
    var target: Target
    var upload: UploadSettings
    var credentials: CredentialsSource?
    var allowEmpty: Bool
    var totals: Totals
    var jobs: [Job]

    public init(_ plan: Plan) {
        manifest = plan.manifestPath
        planId = plan.planID
        target = plan.target
        upload = plan.upload
        credentials = plan.credentials
        allowEmpty = plan.allowEmpty
        let t = plan.totals
        totals = Totals(files: t.files, bytes: t.bytes, singlePuts: t.singlePuts, multipartJobs: t.multipartJobs, parts: t.parts)
        jobs = plan.jobs.map { job in
            var partSize: Int64?
            var partCount: Int?
            if case .multipart(let p) = job.method { (partSize, partCount) = (p.partSize, p.partCount) }
            return Job(key: job.key, source: job.source, size: job.size, mtimeNs: job.identity.mtimeNanoseconds,
                       inode: job.identity.inode, device: job.identity.device,
                       method: partSize == nil ? "put" : "multipart", partSize: partSize, partCount: partCount,
                       options: job.options)
        }
    }

    /// Pretty-printed JSON with sorted keys and a trailing newline.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }
}
