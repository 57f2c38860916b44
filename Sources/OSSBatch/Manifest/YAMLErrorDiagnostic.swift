import Yams

/// Turns a Yams/libyaml error into a diagnostic at the position libyaml reported.
enum YAMLErrorDiagnostic {
    static func make(_ error: any Error, file: String) -> Diagnostic {
        guard let yaml = error as? YamlError else {
            return Diagnostic(file: file, line: 1, column: 1, message: "invalid YAML: \(error)")
        }
        switch yaml {
        case .scanner(let context, let problem, let mark, let text),
            .parser(let context, let problem, let mark, let text),
            .composer(let context, let problem, let mark, let text):
            var message = "invalid YAML: \(problem)"
            if let context {
                message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            }
            let first = min(context?.mark.line ?? mark.line, mark.line)
            if let line = unquotedBrace(in: text, lines: first...mark.line) {
                message +=
                    "; line \(line) has a value that starts with '{', which YAML reads as a mapping: a placeholder there must be quoted"
                message += " (key_prefix: \"{date}/\")"
            }
            return Diagnostic(file: file, line: mark.line, column: mark.column, message: message)
        case .duplicatedKeysInMapping(let duplicates, let context):
            // Yams marks the first of the keys; the mistake is usually the later one (a section pasted twice),
            // so point there and name where the first is.
            let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            if let name = duplicates.first,
                let line = repeatedKeyLine(
                    name,
                    firstAt: context.mark.line,
                    column: context.mark.column,
                    in: context.text
                )
            {
                return Diagnostic(
                    file: file,
                    line: line,
                    column: context.mark.column,
                    message: "duplicate field \(names) in one mapping (the first at line \(context.mark.line))"
                )
            }
            return Diagnostic(
                file: file,
                line: context.mark.line,
                column: context.mark.column,
                message: "duplicate field \(names) in one mapping"
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

    /// The line (1-based) of the block mapping key `name` written again after its first at `line`:`column`,
    /// in the same mapping (which ends at the first line written left of `column`); nil when there is none
    /// (a flow mapping, a quoted or otherwise spelt key), and the first key's place is then said.
    static func repeatedKeyLine(_ name: String, firstAt line: Int, column: Int, in text: String) -> Int? {
        guard line >= 1, column >= 1 else { return nil }
        var number = 0
        for var content in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            guard number > line else { continue }
            if content.last == "\r" { content = content.dropLast() }
            let indent = content.prefix { $0 == " " }.count
            let rest = content.dropFirst(indent)
            if rest.isEmpty || rest.first == "#" { continue }
            guard indent + 1 >= column else { return nil }
            guard indent + 1 == column, rest.hasPrefix(name) else { continue }
            let after = rest.dropFirst(name.count).drop { $0 == " " }
            if after.first == ":", after.dropFirst().first.map({ $0 == " " }) ?? true { return number }
        }
        return nil
    }

    /// The first of `lines` (1-based) whose value, after `field: `, is an unquoted `{…}` with more text after
    /// it: a placeholder such as `{date}/` left unquoted, which YAML reads as the start of a mapping and then
    /// fails on (libyaml's message says nothing of it). A whole flow mapping (`target: {bucket: b}`) is not.
    static func unquotedBrace(in text: String, lines: ClosedRange<Int>) -> Int? {
        var number = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            guard number >= lines.lowerBound else { continue }
            guard number <= lines.upperBound else { return nil }
            var rest = line.drop { $0 == " " }
            if rest.hasPrefix("- ") { rest = rest.dropFirst(2).drop { $0 == " " } }
            guard let colon = rest.firstIndex(of: ":"), !rest[..<colon].contains(where: { "{}[]\"'#".contains($0) })
            else { continue }
            let value = rest[rest.index(after: colon)...]
            guard value.first == " " else { continue }
            let braced = value.drop { $0 == " " }
            guard braced.first == "{", let close = braced.firstIndex(of: "}") else { continue }
            let after = braced[braced.index(after: close)...].drop { $0 == " " }
            if !after.isEmpty && after.first != "#" { return number }
        }
        return nil
    }
}
