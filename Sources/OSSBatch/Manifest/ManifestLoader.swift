import Foundation
import Yams

/// Reads a manifest file into a `Manifest`, or throws a `ManifestError` holding every problem found.
package enum ManifestLoader {
    /// Manifests are hand-written; anything bigger is a mistake (a log file, a binary) and is refused
    /// before parsing so it cannot stall the tool.
    package static let maximumSize = 8 << 20

    /// Loads `path` (relative paths are resolved against the working directory), with `settings` (`--set`)
    /// replacing values of the file.
    package static func load(path: String, settings: [ManifestSetting] = []) throws(ManifestError) -> Manifest {
        let absolute = PathResolver.absolute(path, relativeTo: FileManager.default.currentDirectoryPath)
        let text = try read(absolute)
        return try decode(text, path: absolute, settings: settings)
    }

    /// Decodes manifest text; `path` is used for messages and as the base of relative paths.
    package static func decode(
        _ text: String,
        path: String,
        settings: [ManifestSetting] = []
    ) throws(ManifestError) -> Manifest {
        if let disallowed = ManifestText.disallowedCharacter(in: text, file: path) { throw ManifestError([disallowed]) }
        let tabs = TabIndentation.diagnostics(in: text, file: path)
        guard tabs.isEmpty else { throw ManifestError(tabs) }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ManifestError([YAMLErrorDiagnostic.make(error, file: path)])
        }
        guard var root, !isEmptyDocument(root) else {
            throw ManifestError([
                Diagnostic(
                    file: path,
                    line: 1,
                    column: 1,
                    message: "the manifest is empty; expected a mapping with 'version', 'target' and 'files'"
                )
            ])
        }
        if let aliases = AliasExpansion.problem(in: root, file: path) { throw ManifestError([aliases]) }
        let unapplied: [Diagnostic]
        (root, unapplied) = ManifestSetting.apply(settings, to: root)
        let reader = NodeReader(file: path)
        let manifest = ManifestDecoding(reader: reader, path: path).manifest(root)
        guard unapplied.isEmpty, reader.diagnostics.isEmpty, let manifest else {
            throw ManifestError(unapplied + reader.diagnostics)
        }
        return manifest
    }

    private static func read(_ path: String) throws(ManifestError) -> String {
        let unreadable = { (reason: String) in
            ManifestError([Diagnostic(file: path, line: nil, column: nil, message: reason)])
        }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
            throw unreadable("cannot read the manifest: no such file")
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        guard size <= maximumSize else {
            throw unreadable(
                "the manifest is \(ByteSize.format(Int64(size))); manifests are limited to \(ByteSize.format(Int64(maximumSize))) — is this the right file?"
            )
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw unreadable("cannot read the manifest (permission denied or not a file)")
        }
        return try ManifestText.decode(data, file: path)
    }

    private static func isEmptyDocument(_ node: Node) -> Bool {
        if case .scalar(let scalar) = node {
            return scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null"
        }
        return false
    }
}
