import Yams

/// Turns a Yams/libyaml error into a diagnostic at the position libyaml reported.
enum YAMLErrorDiagnostic {
    static func make(_ error: any Error, file: String) -> Diagnostic {
        guard let yaml = error as? YamlError else {
            return Diagnostic(file: file, line: 1, column: 1, message: "invalid YAML: \(error)")
        }
        switch yaml {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            var message = "invalid YAML: \(problem)"
            if let context {
                message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            }
            return Diagnostic(file: file, line: mark.line, column: mark.column, message: message)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return Diagnostic(
                file: file,
                line: context.mark.line,
                column: context.mark.column,
                message: "duplicate field \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in one mapping"
            )
        case .reader(let problem, let offset, _, let yaml):
            // The manifest's text was checked first, so this is rare; still, say where.
            let position = offset.flatMap { ManifestText.position(ofCharacterOffset: $0, in: yaml) }
            return Diagnostic(
                file: file,
                line: position?.line ?? 1,
                column: position?.column ?? 1,
                message: "invalid YAML input: \(problem)"
            )
        default:
            return Diagnostic(file: file, line: 1, column: 1, message: "invalid YAML: \(yaml)")
        }
    }
}
