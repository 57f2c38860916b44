import OSSProtocol

/// One local file → one object key, with everything needed to upload it.
public struct UploadJob: Sendable, Hashable {
    /// Where the local file is (see `SplitPath`); `source` is the same as one string.
    public var location: SplitPath
    /// The object key (UTF-8, 1–1023 bytes, validated by the planner); `key` is the same as one string.
    public var objectKey: SplitPath
    /// The file as the planner saw it; the engine re-checks it before and after sending.
    public var identity: SourceIdentity
    public var options: ObjectOptions
    /// How the bytes go up.
    public var method: UploadMethod

    public init(
        location: SplitPath,
        objectKey: SplitPath,
        identity: SourceIdentity,
        options: ObjectOptions,
        method: UploadMethod
    ) {
        self.location = location
        self.objectKey = objectKey
        self.identity = identity
        self.options = options
        self.method = method
    }

    public init(source: String, key: String, identity: SourceIdentity, options: ObjectOptions, method: UploadMethod) {
        self.init(
            location: SplitPath(source),
            objectKey: SplitPath(key),
            identity: identity,
            options: options,
            method: method
        )
    }

    /// Absolute path of the local file.
    public var source: String {
        get { location.path }
        set { location = SplitPath(newValue) }
    }

    /// The object key.
    public var key: String {
        get { objectKey.path }
        set { objectKey = SplitPath(newValue) }
    }

    public var size: Int64 { identity.size }
}

extension UploadJob: Codable {
    private enum CodingKeys: String, CodingKey { case source, key, identity, options, method }

    /// The source is one string in reports and checkpoints.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            source: try c.decode(String.self, forKey: .source),
            key: try c.decode(String.self, forKey: .key),
            identity: try c.decode(SourceIdentity.self, forKey: .identity),
            options: try c.decode(ObjectOptions.self, forKey: .options),
            method: try c.decode(UploadMethod.self, forKey: .method)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(source, forKey: .source)
        try c.encode(key, forKey: .key)
        try c.encode(identity, forKey: .identity)
        try c.encode(options, forKey: .options)
        try c.encode(method, forKey: .method)
    }
}

/// What identifies one version of a local file: if any of these changed, it is another version.
public struct SourceIdentity: Sendable, Hashable, Codable {
    public var size: Int64
    /// Modification time in nanoseconds since the epoch.
    public var mtimeNanoseconds: Int64
    public var inode: UInt64
    public var device: UInt64

    public init(size: Int64, mtimeNanoseconds: Int64, inode: UInt64, device: UInt64) {
        self.size = size
        self.mtimeNanoseconds = mtimeNanoseconds
        self.inode = inode
        self.device = device
    }
}

/// Single PutObject, or multipart with a fixed part plan.
public enum UploadMethod: Sendable, Hashable, Codable {
    case put
    case multipart(PartPlan)

    private enum CodingKeys: String, CodingKey { case kind, partSize, partCount }

    /// Written flat for readable reports: `{"kind":"put"}` or `{"kind":"multipart","partCount":3,"partSize":102400}`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .put:
            try c.encode("put", forKey: .kind)
        case .multipart(let plan):
            try c.encode("multipart", forKey: .kind)
            try c.encode(plan.partSize, forKey: .partSize)
            try c.encode(plan.partCount, forKey: .partCount)
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .kind) {
        case "put": self = .put
        case "multipart":
            self = .multipart(
                PartPlan(
                    partSize: try c.decode(Int64.self, forKey: .partSize),
                    partCount: try c.decode(Int.self, forKey: .partCount)
                )
            )
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .kind,
                in: c,
                debugDescription: "unknown upload method '\(other)'"
            )
        }
    }
}

/// How a file is cut into parts: every part is `partSize` bytes except the last.
public struct PartPlan: Sendable, Hashable, Codable {
    public var partSize: Int64
    public var partCount: Int

    public init(partSize: Int64, partCount: Int) {
        self.partSize = partSize
        self.partCount = partCount
    }

    /// Byte range of part `number` (1-based) in a file of `fileSize` bytes.
    public func range(ofPart number: Int, fileSize: Int64) -> (offset: Int64, length: Int64) {
        let offset = Int64(number - 1) * partSize
        return (offset, min(partSize, fileSize - offset))
    }
}
