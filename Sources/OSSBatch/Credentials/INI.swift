import Foundation

/// The small INI dialect of credentials files: `[section]` headers, `key = value` lines, `#` and `;`
/// comments on a line of their own or after whitespace (`security_token = ...   # optional`, as the docs'
/// example has it; `[nightly]  # batch key`). A value is everything after the first `=` up to such a comment,
/// so base64 secrets ending in `=` and a `#` or `;` inside a value survive (AccessKey secrets and STS tokens
/// hold no whitespace). Lines outside a section, or without `=`, are ignored.
enum INI {
    /// Section name → key → value. Keys are lower-cased; values trimmed.
    static func parse(_ text: String) -> [String: [String: String]] {
        var sections: [String: [String: String]] = [:]
        var current: String?
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = withoutComment(raw).trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if line.hasPrefix("[") {
                // A header that is not one (`[nightly`) ends the section before it: its keys were taken for
                // the section above, and a profile signed with another's key (review of e4ab55a).
                guard line.hasSuffix("]") else {
                    current = nil
                    continue
                }
                let name = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                current = name
                sections[name, default: [:]] = sections[name] ?? [:]
                continue
            }
            guard let section = current, let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            sections[section, default: [:]][key] = value
        }
        return sections
    }

    /// `line` up to a comment: one that begins it, or a `#` or `;` after whitespace.
    private static func withoutComment(_ line: Substring) -> Substring {
        var previousIsSpace = true
        for i in line.indices {
            let c = line[i]
            if (c == "#" || c == ";") && previousIsSpace { return line[..<i] }
            previousIsSpace = c == " " || c == "\t"
        }
        return line
    }
}
