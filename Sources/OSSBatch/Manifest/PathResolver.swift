import Foundation

/// Resolves manifest paths: `~` expands to the home directory, relative paths join the base directory.
package enum PathResolver {
    package static func absolute(_ path: String, relativeTo base: String) -> String {
        var expanded = path
        if expanded == "~" || expanded.hasPrefix("~/") {
            let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
            expanded = home + expanded.dropFirst()
        }
        if expanded.hasPrefix("/") { return normalize(expanded) }
        // No base: the working directory is gone (deleted: `getcwd` fails, and Foundation says ""). The path
        // stays relative, so that what is opened or made through it fails there: joined to "/", a report
        // `--report rep.json` was written as /rep.json (audit of 49872c5).
        guard !base.isEmpty else { return expanded }
        return normalize((base.hasSuffix("/") ? base : base + "/") + expanded)
    }

    /// Removes `.` segments, resolves `..` lexically and drops duplicate or trailing slashes. A relative path
    /// (only where the working directory is gone) stays relative, its leading `..` kept: made absolute, a
    /// manifest read as `../m.yaml` had its sources looked for under `/` (review of 033c720).
    static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                } else if !absolute {
                    parts.append(part)
                }
                continue
            }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }
}
