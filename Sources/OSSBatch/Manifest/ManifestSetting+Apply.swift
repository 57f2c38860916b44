import Yams

extension ManifestSetting {
    /// Nodes made from `--set` have no YAML mark; their tag names the option instead, so the decoder can
    /// say which option a wrong value came from (`NodeReader.mark`). The tag is never resolved: the
    /// decoder reads scalars by their text and style only.
    private static let tagPrefix = "tag:ossbatch.invalid,2026:set "

    /// The option a node came from (`--set upload.concurrency=0`), or `nil` for the manifest's own nodes.
    static func option(of node: Node) -> String? {
        let name = node.tag.rawValue
        return name.hasPrefix(tagPrefix) ? String(name.dropFirst(tagPrefix.count)) : nil
    }

    /// `root` with every setting applied in order (a later one wins); a setting whose path cannot be
    /// followed (through a value that is not a mapping, or to a list item that does not exist) is a
    /// diagnostic naming it, and the others still apply.
    static func apply(_ settings: [ManifestSetting], to root: Node) -> (Node, [Diagnostic]) {
        var node = root
        var diagnostics: [Diagnostic] = []
        for setting in settings {
            do {
                node = try setting.replacing(in: node, at: setting.path[...], walked: "")
            } catch {
                diagnostics.append(Diagnostic(flag: "set", "\(setting.option): \(error.message)"))
            }
        }
        return (node, diagnostics)
    }

    private var tag: Tag { Tag(Tag.Name(rawValue: Self.tagPrefix + option)) }

    private func scalar(_ text: String) -> Node { .scalar(Node.Scalar(text, tag, .plain)) }

    /// `node` with the value at `path` (below `walked`, the path followed so far) replaced.
    private func replacing(in node: Node, at path: ArraySlice<Step>, walked: String) throws(ValueProblem) -> Node {
        guard let step = path.first else { return scalar(value) }
        let rest = path.dropFirst()
        switch step {
        case .field(let name):
            let here = walked.isEmpty ? name : "\(walked).\(name)"
            guard case .mapping(var mapping) = node else {
                throw ValueProblem(
                    walked.isEmpty
                        ? "the manifest is not a mapping of fields"
                        : "'\(walked)' is not a mapping in the manifest, so it has no field '\(name)'"
                )
            }
            if let i = mapping.firstIndex(where: { $0.key.scalar?.string == name }) {
                let pair = mapping[i]
                mapping[i] = (pair.key, try replacing(in: pair.value, at: rest, walked: here))
            } else {
                // A section or field the manifest leaves out: added, so `--set upload.concurrency=4` works on
                // a manifest without `upload:`. A list item cannot be made up.
                if case .index = rest.first {
                    throw ValueProblem("the manifest has no '\(here)' list")
                }
                let fresh: Node = rest.isEmpty ? scalar(value) : .mapping(Node.Mapping([], tag))
                mapping[scalar(name)] = try replacing(in: fresh, at: rest, walked: here)
            }
            return .mapping(mapping)
        case .index(let n):
            guard case .sequence(var sequence) = node else {
                throw ValueProblem("'\(walked)' is not a list in the manifest")
            }
            guard n < sequence.count else {
                throw ValueProblem(
                    "'\(walked)' has \(sequence.count) item\(sequence.count == 1 ? "" : "s"); [\(n)] is not one of them (they count from 0)"
                )
            }
            sequence[n] = try replacing(in: sequence[n], at: rest, walked: "\(walked)[\(n)]")
            return .sequence(sequence)
        }
    }
}
