import Digests
import OSSKit

extension Plan {
    /// A stable identity of the job list: hex SHA-256 over each job's canonical form (key, source, size,
    /// mtime, inode, device, method, options). Two plans with equal IDs upload the same files the same way.
    /// Hashes job by job so 200,000 jobs never need one big buffer.
    public var planID: String {
        var digests: [UInt8] = []
        digests.reserveCapacity(jobs.count * 32)
        for job in jobs { digests += SHA256.hash(Array(job.canonicalForm.utf8)) }
        return SHA256.hash(digests).hexString
    }
}

extension UploadJob {
    /// Fields separated by NUL (which cannot occur in paths, keys or header values), maps sorted by key.
    var canonicalForm: String {
        var fields = [key, source, String(identity.size), String(identity.mtimeNanoseconds), String(identity.inode),
                      String(identity.device)]
        switch method {
        case .put: fields.append("put")
        case .multipart(let plan): fields += ["multipart", String(plan.partSize), String(plan.partCount)]
        }
        let o = options
        fields += [o.contentType ?? "", o.acl.rawValue, o.storageClass.rawValue, Self.canonical(o.metadata),
                   Self.canonical(o.tags), o.cacheControl ?? "", o.contentDisposition ?? "", o.contentEncoding ?? "",
                   o.forbidOverwrite ? "1" : "0"]
        if let c = o.callback {
            fields += [c.url, c.host ?? "", c.body, c.bodyType ?? "", Self.canonical(c.vars)]
        }
        return fields.joined(separator: "\u{0}")
    }

    private static func canonical(_ map: [String: String]) -> String {
        map.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map { "\($0.key)=\($0.value)" }.joined(separator: "\u{1}")
    }
}
