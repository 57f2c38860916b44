import Yams

/// Reads typed values out of Yams nodes, recording a diagnostic (instead of stopping) for every value
/// that is wrong, so one pass reports all of a manifest's problems.
final class NodeReader {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String) { self.file = file }

    func mark(_ node: Node) -> SourceMark {
        SourceMark(
            file: file,
            line: node.mark?.line,
            column: node.mark?.column,
            option: ManifestSetting.option(of: node)
        )
    }

    func error(_ node: Node, _ message: String) { diagnostics.append(Diagnostic(mark(node), message)) }
    func error(_ mark: SourceMark, _ message: String) { diagnostics.append(Diagnostic(mark, message)) }

    /// The fields of a mapping by name, after reporting unknown (with a suggestion), secret-looking and
    /// non-string field names. `nil` (and a diagnostic) when `node` is not a mapping.
    func fields(of node: Node, in context: String, allowed: [String]) -> [String: (key: Node, value: Node)]? {
        guard case .mapping(let mapping) = node else {
            error(node, "\(context) must be a mapping of fields, not \(describe(node))")
            return nil
        }
        var result: [String: (key: Node, value: Node)] = [:]
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                error(key, "field names in \(context) must be plain strings")
                continue
            }
            let name = scalar.string
            if SecretFieldPolicy.looksSecret(name) {
                error(key, SecretFieldPolicy.message(for: name))
            } else if !allowed.contains(name) {
                var message = "'\(name)' is not a field of \(context)"
                if let suggestion = FieldSuggestion.closest(to: name, in: allowed) {
                    message += "; did you mean '\(suggestion)'?"
                } else {
                    message += "; expected one of: \(allowed.joined(separator: ", "))"
                }
                error(key, message)
            } else {
                result[name] = (key, value)
            }
        }
        return result
    }

    func string(_ node: Node, _ field: String) -> String? {
        guard case .scalar(let scalar) = node, !isNull(scalar) else {
            error(node, "'\(field)' must be a string, not \(describe(node))")
            return nil
        }
        return scalar.string
    }

    /// A string sent as an HTTP header's value: no control character but tab. A line break (a `|` block
    /// scalar keeps its last one) passed the plan, and every request then failed: curl refuses such a header,
    /// a retryable transport error, so every file was retried and failed (review of e4ab55a).
    func headerString(_ node: Node, _ field: String) -> String? {
        guard let text = string(node, field) else { return nil }
        guard Self.isHeaderValue(text) else {
            error(node, Self.headerValueProblem(field))
            return nil
        }
        return text
    }

    static func isHeaderValue(_ text: String) -> Bool {
        !text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F }
    }

    /// Why `name` cannot be a user metadata name, or nil. OSS takes letters, digits and hyphens only (its error
    /// 0011-00000004; not `_`). Others passed the plan and then failed every upload: `dc:creator` went out as
    /// the header `x-oss-meta-dc` holding `creator: …`, which OSS read otherwise than it was signed —
    /// `SignatureDoesNotMatch`, the whole batch stopped, exit 3, a message about credentials (review of c56b4e6).
    static func metadataNameProblem(_ name: String, _ field: String) -> String? {
        let allowed =
            !name.isEmpty
            && name.utf8.allSatisfy { byte in
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                    || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
            }
        guard !allowed else { return nil }
        return "'\(field)' name '\(name)' may hold only letters, digits and hyphens: OSS refuses any other "
            + "character in a metadata name (x-oss-meta-NAME), '_' too"
    }

    static func headerValueProblem(_ field: String) -> String {
        "'\(field)' holds a line break or another control character, which no HTTP header may hold "
            + "(a YAML '|' block keeps its last line break: write the value on one line, or use '|-')"
    }

    func markedString(_ node: Node, _ field: String) -> Marked<String>? {
        string(node, field).map { Marked($0, at: mark(node)) }
    }

    func int(_ node: Node, _ field: String, range: ClosedRange<Int>) -> Int? {
        guard case .scalar(let scalar) = node, scalar.style == .plain, Self.isInteger(scalar.string) else {
            error(node, "'\(field)' must be an integer, not \(describe(node))")
            return nil
        }
        // Digits too many for an Int are out of range too, not "not an integer".
        guard let value = Int(scalar.string), range.contains(value) else {
            error(node, "'\(field)' must be between \(range.lowerBound) and \(range.upperBound), not \(describe(node))")
            return nil
        }
        return value
    }

    private static func isInteger(_ text: String) -> Bool {
        let digits = text.hasPrefix("-") || text.hasPrefix("+") ? text.dropFirst() : Substring(text)
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    func bool(_ node: Node, _ field: String) -> Bool? {
        if case .scalar(let scalar) = node, scalar.style == .plain {
            switch scalar.string {
            case "true": return true
            case "false": return false
            default: break
            }
        }
        error(node, "'\(field)' must be true or false, not \(describe(node))")
        return nil
    }

    /// A size within `range`: a plain integer (bytes) or a number with a unit. `perSecond` also accepts a
    /// `/s` suffix; `zeroMeans` names what 0 means when 0 is allowed outside `range` (`unlimited`).
    func size(
        _ node: Node,
        _ field: String,
        in range: ClosedRange<Int64>,
        why: String? = nil,
        perSecond: Bool = false,
        zeroMeans: String? = nil
    ) -> Int64? {
        let suffix = perSecond ? "/s" : ""
        var text: String?
        if case .scalar(let scalar) = node, !isNull(scalar) {
            text = perSecond && scalar.string.hasSuffix("/s") ? String(scalar.string.dropLast(2)) : scalar.string
        }
        guard let amount = text.flatMap(ByteSize.amount) else {
            error(
                node,
                "'\(field)' must be a size such as 8MiB or 100KB (units: \(ByteSize.unitNames)), not \(describe(node))"
            )
            return nil
        }
        if amount == 0, zeroMeans != nil { return 0 }
        // Compared as Double first: a value too big for Int64 is out of range, never converted.
        guard Double(range.lowerBound) <= amount, amount <= Double(range.upperBound) else {
            var allowed = "between \(ByteSize.formatExact(range.lowerBound))\(suffix) and "
            allowed += "\(ByteSize.formatExact(range.upperBound))\(suffix)"
            if let zeroMeans { allowed = "0 (\(zeroMeans)) or " + allowed }
            error(node, "'\(field)' must be \(allowed)\(why.map { " (\($0))" } ?? ""), not \(describe(node))")
            return nil
        }
        guard amount == amount.rounded() else {
            error(node, "'\(field)' must be a whole number of bytes, not \(describe(node))")
            return nil
        }
        return Int64(amount)
    }

    /// Seconds within `range`: `200ms`, `20s`, `5m`, `1h`; a plain number is seconds.
    func duration(_ node: Node, _ field: String, in range: ClosedRange<Double>) -> Double? {
        guard case .scalar(let scalar) = node, !isNull(scalar), let seconds = DurationText.parse(scalar.string) else {
            error(node, "'\(field)' must be a duration such as 200ms, 20s or 5m, not \(describe(node))")
            return nil
        }
        guard range.contains(seconds) else {
            error(
                node,
                "'\(field)' must be between \(DurationText.formatExact(range.lowerBound)) and "
                    + "\(DurationText.formatExact(range.upperBound)), not \(describe(node))"
            )
            return nil
        }
        return seconds
    }

    func choice<E: RawRepresentable & CaseIterable>(_ node: Node, _ field: String, _: E.Type) -> E?
    where E.RawValue == String {
        if case .scalar(let scalar) = node, let value = E(rawValue: scalar.string) { return value }
        let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
        error(node, "'\(field)' must be one of \(allowed); not \(describe(node))")
        return nil
    }

    /// A mapping of strings to strings (metadata, tags, callback variables).
    /// A mapping of names to strings. With `headerNames`, two names that differ only in case are an error at
    /// the second: they name one HTTP header (`x-oss-meta-NAME`), which OSS keeps in lower case, and both
    /// were sent, the object's metadata then whatever the server made of the pair.
    func stringMap(_ node: Node, _ field: String, headerNames: Bool = false) -> [String: String]? {
        guard case .mapping(let mapping) = node else {
            error(node, "'\(field)' must be a mapping of names to strings, not \(describe(node))")
            return nil
        }
        var result: [String: String] = [:]
        var lowercased: [String: String] = [:]
        for (key, value) in mapping {
            guard case .scalar(let k) = key, case .scalar(let v) = value else {
                error(value, "'\(field)' values must be strings, not \(describe(value))")
                continue
            }
            if SecretFieldPolicy.looksSecret(k.string) {
                error(key, SecretFieldPolicy.message(for: k.string))
                continue
            }
            if headerNames, !Self.isHeaderValue(k.string) || !Self.isHeaderValue(v.string) {
                error(Self.isHeaderValue(k.string) ? value : key, Self.headerValueProblem(field))
                continue
            }
            if headerNames {
                if let problem = Self.metadataNameProblem(k.string, field) {
                    error(key, problem)
                    continue
                }
                if let first = lowercased[k.string.lowercased()] {
                    error(
                        key,
                        "'\(field)' names '\(first)' and '\(k.string)' are one header (x-oss-meta-\(k.string.lowercased())): "
                            + "metadata names are case-insensitive; keep one"
                    )
                    continue
                }
                lowercased[k.string.lowercased()] = k.string
            }
            result[k.string] = v.string
        }
        return result
    }

    /// A list of strings; a single string counts as a list of one.
    func stringList(_ node: Node, _ field: String) -> [Marked<String>] {
        switch node {
        case .scalar:
            return markedString(node, field).map { [$0] } ?? []
        case .sequence(let sequence):
            return sequence.compactMap { markedString($0, field) }
        default:
            error(node, "'\(field)' must be a list of patterns, not \(describe(node))")
            return []
        }
    }

    func isNull(_ scalar: Node.Scalar) -> Bool {
        scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// How a wrong value is named in messages: `"many" (a string)`, `a list`, …
    func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar):
            if isNull(scalar) { return "an empty value" }
            let shown = scalar.string.count > 40 ? String(scalar.string.prefix(40)) + "…" : scalar.string
            return scalar.style == .plain ? "'\(shown)'" : "\"\(shown)\" (a quoted string)"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }
}
