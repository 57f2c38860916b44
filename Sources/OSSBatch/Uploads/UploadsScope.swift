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

    /// The scope of the manifest at `path` — its target resolved as `run` would, without walking its files.
    package static func manifest(
        at path: String,
        overrides: TargetOverrides,
        state: StateDirectory
    ) throws(ManifestError) -> UploadsScope {
        let manifest = try ManifestLoader.load(path: path)
        var diagnostics: [Diagnostic] = []
        guard let target = TargetResolver(section: manifest.target, overrides: overrides).resolve(into: &diagnostics)
        else { throw ManifestError(diagnostics) }
        let checkpointDir = manifest.upload.checkpointDir
        return UploadsScope(
            target: target,
            prefix: sharedPrefix(manifest.files.map { $0.keyPrefix?.value ?? $0.key?.value ?? "" }),
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

    /// The longest prefix the entries' key prefixes share, cut before the first `{` (a placeholder resolved
    /// when a batch is planned: each night's keys differ from there on).
    static func sharedPrefix(_ prefixes: [String]) -> String {
        let cut = prefixes.map { prefix in prefix.firstIndex(of: "{").map { String(prefix[..<$0]) } ?? prefix }
        guard var shared = cut.first else { return "" }
        for prefix in cut.dropFirst() {
            shared = String(zip(shared, prefix).prefix { $0 == $1 }.map(\.0))
        }
        return shared
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
