import OSSKit

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

/// What identifies one version of a local file: if any of these changed, it is another version.
public struct SourceIdentity: Sendable, Hashable {
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
public enum UploadMethod: Sendable, Hashable {
    case put
    case multipart(PartPlan)
}

/// How a file is cut into parts: every part is `partSize` bytes except the last.
public struct PartPlan: Sendable, Hashable {
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
