import OSSKit
import OSSProtocol

/// A decoded manifest: the YAML's values, validated one by one, each keeping the place it was written
/// so the planner can point at it. Paths are still as written (the planner resolves them).
public struct Manifest: Sendable, Hashable {
    /// Absolute path of the manifest file.
    public var path: String
    /// Mark of the whole document (line 1 when the file is empty).
    public var mark: SourceMark
    public var version: Int
    public var allowEmpty: Bool
    public var target: TargetSection
    /// The `upload:` section over `UploadSettings`' defaults; `checkpointDir` is still as written (the
    /// planner resolves it against the manifest's directory).
    public var upload: UploadSettings
    public var defaults: EntryOptions
    public var files: [FileEntry]

    /// The directory relative paths are resolved against.
    public var directory: String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

/// The `target:` section as written; the planner applies overrides and derives defaults.
public struct TargetSection: Sendable, Hashable {
    public var mark: SourceMark
    public var endpoint: Marked<String>?
    public var region: Marked<String>?
    public var bucket: Marked<String>?
    public var signature: SignatureVersion?
    public var addressing: Addressing?
    public var credentials: CredentialsSection?
}

/// `target.credentials: {file, profile}` or `{ecs_ram_role}`.
public struct CredentialsSection: Sendable, Hashable {
    public var file: Marked<String>?
    public var profile: String
    public var ecsRAMRole: String?
}

/// Per-object options, from `defaults:` or one entry; `nil` means "not said here".
public struct EntryOptions: Sendable, Hashable {
    /// `auto` (also when unsaid: guessed from the file name), or a literal MIME type.
    public var contentType: String?
    public static let autoContentType = "auto"
    public var acl: ObjectACL?
    public var storageClass: StorageClass?
    public var metadata: [String: String]?
    public var tags: [String: String]?
    public var cacheControl: String?
    public var contentDisposition: String?
    public var contentEncoding: String?
    public var forbidOverwrite: Bool?
    public var followSymlinks: Bool?
    public var callback: UploadCallback?
    public var serverSideEncryption: ServerSideEncryption?
    public var sseKMSKeyID: String?
    public var sseDataEncryption: SSEDataEncryption?

    /// These options, with anything unsaid taken from `defaults`.
    public func over(_ defaults: EntryOptions) -> EntryOptions {
        EntryOptions(
            contentType: contentType ?? defaults.contentType,
            acl: acl ?? defaults.acl,
            storageClass: storageClass ?? defaults.storageClass,
            metadata: metadata ?? defaults.metadata,
            tags: tags ?? defaults.tags,
            cacheControl: cacheControl ?? defaults.cacheControl,
            contentDisposition: contentDisposition ?? defaults.contentDisposition,
            contentEncoding: contentEncoding ?? defaults.contentEncoding,
            forbidOverwrite: forbidOverwrite ?? defaults.forbidOverwrite,
            followSymlinks: followSymlinks ?? defaults.followSymlinks,
            callback: callback ?? defaults.callback,
            // The encryption fields are one group: an entry naming its algorithm takes none of the defaults'.
            serverSideEncryption: serverSideEncryption ?? defaults.serverSideEncryption,
            sseKMSKeyID: serverSideEncryption != nil ? sseKMSKeyID : sseKMSKeyID ?? defaults.sseKMSKeyID,
            sseDataEncryption: serverSideEncryption != nil
                ? sseDataEncryption : sseDataEncryption ?? defaults.sseDataEncryption
        )
    }
}

/// One item of `files:`: a `source` (a file or a directory) or a `glob`.
public struct FileEntry: Sendable, Hashable {
    public enum Selector: Sendable, Hashable {
        case source(Marked<String>)
        case glob(Marked<String>)
    }

    public var mark: SourceMark
    public var selector: Selector
    public var key: Marked<String>?
    public var keyPrefix: Marked<String>?
    public var include: [Marked<String>]
    public var exclude: [Marked<String>]
    public var options: EntryOptions
}
