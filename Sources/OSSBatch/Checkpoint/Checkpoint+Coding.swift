// The `checkpoint` member of an `ossbatch-checkpoint/2` file: flat, snake_case, the file's identity as in
// report lines, CRC-64s as decimal strings (they pass 2^53).
extension Checkpoint: Codable {
    private enum CodingKeys: String, CodingKey {
        case format, bucket, key, source, size
        case mtimeNs = "mtime_ns"
        case inode, device
        case partSize = "part_size"
        case partCount = "part_count"
        case uploadID = "upload_id"
        case completing
        case createdAt = "created_at"
        case report
        case ctimeNs = "ctime_ns"
        case sweepOwed = "sweep_owed"
        case parts
    }

    private enum PartKeys: String, CodingKey { case number, size, etag, crc64 }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let identity = SourceIdentity(
            size: try c.decode(Int64.self, forKey: .size),
            mtimeNanoseconds: try Self.integer(Int64.self, c, .mtimeNs),
            inode: try Self.integer(UInt64.self, c, .inode),
            device: try c.decode(UInt64.self, forKey: .device)
        )
        var list = try c.nestedUnkeyedContainer(forKey: .parts)
        var parts: [Part] = []
        while !list.isAtEnd {
            let p = try list.nestedContainer(keyedBy: PartKeys.self)
            let crc = try p.decode(String.self, forKey: .crc64)
            guard let crc64 = UInt64(crc) else {
                throw DecodingError.dataCorruptedError(forKey: .crc64, in: p, debugDescription: "not a CRC-64: \(crc)")
            }
            parts.append(
                Part(
                    number: try p.decode(Int.self, forKey: .number),
                    size: try p.decode(Int64.self, forKey: .size),
                    etag: try p.decode(String.self, forKey: .etag),
                    crc64: crc64
                )
            )
        }
        try self.init(
            bucket: try c.decode(String.self, forKey: .bucket),
            key: try c.decode(String.self, forKey: .key),
            source: try c.decode(String.self, forKey: .source),
            identity: identity,
            partPlan: try PartPlan.validated(
                partSize: try c.decode(Int64.self, forKey: .partSize),
                partCount: try c.decode(Int.self, forKey: .partCount),
                fileSize: identity.size
            ),
            uploadID: try c.decode(String.self, forKey: .uploadID),
            parts: parts,
            completing: try c.decode(Bool.self, forKey: .completing),
            createdAt: try c.decode(String.self, forKey: .createdAt)
        )
        report = try c.decodeIfPresent(String.self, forKey: .report)
        if c.contains(.ctimeNs) { ctimeNanoseconds = try Self.integer(Int64.self, c, .ctimeNs) }
        sweepOwed = try c.decodeIfPresent(Bool.self, forKey: .sweepOwed) ?? false
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Checkpoint.currentFormat, forKey: .format)
        try c.encode(bucket, forKey: .bucket)
        try c.encode(key, forKey: .key)
        try c.encode(source, forKey: .source)
        try c.encode(identity.size, forKey: .size)
        try c.encode(String(identity.mtimeNanoseconds), forKey: .mtimeNs)
        try c.encode(String(identity.inode), forKey: .inode)
        try c.encode(identity.device, forKey: .device)
        try c.encode(partSize, forKey: .partSize)
        try c.encode(partCount, forKey: .partCount)
        try c.encode(uploadID, forKey: .uploadID)
        try c.encode(completing, forKey: .completing)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encodeIfPresent(report, forKey: .report)
        try c.encodeIfPresent(ctimeNanoseconds.map { String($0) }, forKey: .ctimeNs)
        if sweepOwed { try c.encode(true, forKey: .sweepOwed) }
        var list = c.nestedUnkeyedContainer(forKey: .parts)
        for part in parts {
            var p = list.nestedContainer(keyedBy: PartKeys.self)
            try p.encode(part.number, forKey: .number)
            try p.encode(part.size, forKey: .size)
            try p.encode(part.etag, forKey: .etag)
            try p.encode(String(part.crc64), forKey: .crc64)
        }
    }

    /// An integer written as a decimal string.
    private static func integer<N: FixedWidthInteger>(
        _: N.Type,
        _ c: KeyedDecodingContainer<CodingKeys>,
        _ key: CodingKeys
    ) throws -> N {
        let text = try c.decode(String.self, forKey: key)
        guard let n = N(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "not an integer: \(text)")
        }
        return n
    }
}
