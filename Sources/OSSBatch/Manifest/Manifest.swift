import OSSKit
import OSSProtocol

/// A decoded manifest: the YAML's values, validated one by one, each keeping the place it was written
/// so the planner can point at it. Paths are still as written (the planner resolves them).
package struct Manifest: Sendable, Hashable {
    /// Absolute path of the manifest file.
    package var path: String
    /// Mark of the whole document (line 1 when the file is empty).
    package var mark: SourceMark
    package var version: Int
    /// `name:` as written; `batchName` gives the name in use.
    package var name: Marked<String>?
    /// `timezone:`, an IANA time zone name, for `{date}` and `{time}` in keys (default UTC).
    package var timeZone: Marked<String>?
    package var allowEmpty: Bool
    /// `upload.on_unreadable`: a plan-time policy, so it is kept here rather than in `UploadSettings`.
    package var onUnreadable: OnUnreadable
    /// `upload.shard_split`: how `--shard` divides the batch, which decides what a shard's plan walks.
    package var shardSplit: ShardSplit = .balanced
    /// Where `upload.bandwidth` is written, for the planner's warning about its share.
    package var bandwidthMark: SourceMark?
    package var target: TargetSection
    /// The `upload:` section over `UploadSettings`' defaults; `checkpointDir` is still as written (the
    /// planner resolves it against the manifest's directory).
    package var upload: UploadSettings
    package var defaults: EntryOptions
    package var files: [FileEntry]

    /// The batch's name: `name:`, else the manifest's file name without its extension.
    package var batchName: String { name?.value ?? BatchName.derived(fromManifestPath: path) }

    /// The directory relative paths are resolved against.
    package var directory: String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

/// The `target:` section as written; the planner applies overrides and derives defaults.
package struct TargetSection: Sendable, Hashable {
    package var mark: SourceMark
    package var endpoint: Marked<String>?
    package var region: Marked<String>?
    package var bucket: Marked<String>?
    package var signature: SignatureVersion?
    package var addressing: Addressing?
    package var credentials: CredentialsSection?
}

/// `target.credentials: {file, profile}` or `{ecs_ram_role}`.
package struct CredentialsSection: Sendable, Hashable {
    package var file: Marked<String>?
    package var profile: String
    package var ecsRAMRole: String?
}

/// Per-object options, from `defaults:` or one entry; `nil` means "not said here".
package struct EntryOptions: Sendable, Hashable {
    /// `auto` (also when unsaid: guessed from the file name), or a literal MIME type.
    package var contentType: String?
    package static let autoContentType = "auto"
    package var acl: ObjectACL?
    package var storageClass: StorageClass?
    package var metadata: [String: String]?
    package var tags: [String: String]?
    package var cacheControl: String?
    package var contentDisposition: String?
    package var contentEncoding: String?
    package var forbidOverwrite: Bool?
    package var followSymlinks: Bool?
    package var callback: UploadCallback?
    package var serverSideEncryption: ServerSideEncryption?
    package var sseKMSKeyID: String?
    package var sseDataEncryption: SSEDataEncryption?

    /// These options, with anything unsaid taken from `defaults`.
    package func over(_ defaults: EntryOptions) -> EntryOptions {
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
package struct FileEntry: Sendable, Hashable {
    package enum Selector: Sendable, Hashable {
        case source(Marked<String>)
        case glob(Marked<String>)
    }

    package var mark: SourceMark
    package var selector: Selector
    package var key: Marked<String>?
    package var keyPrefix: Marked<String>?
    package var include: [Marked<String>]
    package var exclude: [Marked<String>]
    /// `optional: true`: selecting no files is a warning, not an error.
    package var isOptional: Bool
    package var options: EntryOptions
}
