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
        return normalize((base.hasSuffix("/") ? base : base + "/") + expanded)
    }

    /// Removes `.` segments, resolves `..` lexically and drops duplicate or trailing slashes.
    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }
}
