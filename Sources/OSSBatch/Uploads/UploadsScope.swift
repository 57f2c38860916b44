import OSSKit

/// Where `ossbatch uploads` looks for open multipart uploads: a manifest's target (with the command line's
/// overrides), its credentials, its checkpoint directory and the key prefix its entries share — or a
/// bucket given on the command line alone.
package struct UploadsScope: Sendable {
    package var target: Target
    /// The key prefix every entry of the manifest writes under ("" when they share none, and without a
    /// manifest).
    package var prefix: String
    package var credentials: CredentialsSource?
    /// The manifest's checkpoint directory (its batch's in the state directory when it names none).
    package var checkpointDirectory: String?
    package var retry: RetryPolicy

    /// The scope of the manifest at `path` — its target resolved as `run` would (with `settings`, `--set`),
    /// without walking its files; its keys' placeholders but the time resolved from `placeholders`.
    package static func manifest(
        at path: String,
        overrides: TargetOverrides,
        settings: [ManifestSetting] = [],
        placeholders: PlaceholderValues,
        state: StateDirectory
    ) throws(ManifestError) -> UploadsScope {
        // With the command line's `--set`, as `run` reads it: without, `--set upload.checkpoint_dir=…` was
        // dropped and an unfinished batch checkpointing there lost its hold (review of e4ab55a).
        let manifest = try ManifestLoader.load(path: path, settings: settings)
        let keys = KeyResolver(manifest: manifest, values: placeholders)
        var diagnostics: [Diagnostic] = []
        guard let target = TargetResolver(section: manifest.target, overrides: overrides).resolve(into: &diagnostics)
        else { throw ManifestError(diagnostics) }
        let checkpointDir = manifest.upload.checkpointDir
        return UploadsScope(
            target: target,
            prefix: sharedPrefix(
                manifest.files.map { keys.folderBeforeTime(of: $0.keyPrefix?.value ?? $0.key?.value ?? "") }
            ),
            credentials: manifest.target.credentials.flatMap {
                CredentialsSource($0, manifestDirectory: manifest.directory)
            },
            checkpointDirectory: checkpointDir.isEmpty
                ? state.checkpoints(batch: Plan.directoryName(forBatch: manifest.batchName))
                : PathResolver.absolute(checkpointDir, relativeTo: manifest.directory),
            retry: manifest.upload.retry
        )
    }

    /// The scope of `--endpoint` and `--bucket` (both required) without a manifest.
    package static func commandLine(_ overrides: TargetOverrides) throws(ManifestError) -> UploadsScope {
        var diagnostics: [Diagnostic] = []
        for (flag, value) in [("endpoint", overrides.endpoint), ("bucket", overrides.bucket)] where value == nil {
            diagnostics.append(Diagnostic(flag: flag, "without a manifest, --\(flag) is required"))
        }
        guard diagnostics.isEmpty else { throw ManifestError(diagnostics) }
        let section = TargetSection(mark: SourceMark(file: "command line"))
        guard let target = TargetResolver(section: section, overrides: overrides).resolve(into: &diagnostics) else {
            throw ManifestError(diagnostics)
        }
        return UploadsScope(target: target, prefix: "", retry: RetryPolicy())
    }

    /// The longest prefix the entries' resolved key prefixes share (`KeyResolver.folderBeforeTime`), cut back
    /// to a whole folder when they part inside a name: `logs/app/` and `logs/api/` share `logs/`, not `logs/a`,
    /// which holds `logs/archive/` too. Compared by bytes: two spellings of `café` are two prefixes on OSS.
    static func sharedPrefix(_ prefixes: [String]) -> String {
        guard var shared = prefixes.first.map({ Array($0.utf8) }) else { return "" }
        var parted = false
        for prefix in prefixes.dropFirst() {
            let common = zip(shared, prefix.utf8).prefix { $0 == $1 }.count
            if common < shared.count || common < prefix.utf8.count { parted = true }
            shared.removeSubrange(common...)
        }
        if parted, shared.last != UInt8(ascii: "/") {
            shared.removeSubrange((shared.lastIndex(of: UInt8(ascii: "/")).map { $0 + 1 } ?? 0)...)
        }
        return String(decoding: shared, as: UTF8.self)
    }

    /// How to reach the scope's target: endpoint, region, signature, addressing and the manifest's retry policy.
    package func clientConfiguration() -> OSSClientConfiguration {
        OSSClientConfiguration(
            endpoint: target.endpoint,
            region: target.region,
            signature: target.signature,
            addressing: target.addressing,
            retry: retry
        )
    }
}
