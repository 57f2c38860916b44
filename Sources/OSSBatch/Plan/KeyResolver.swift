import Foundation

/// Resolves the placeholders of every entry's `key` and `key_prefix`, once for the whole plan (one moment
/// for every key), and notes what looks like a mistake in the results.
struct KeyResolver {
    let manifest: Manifest
    private let context: PlaceholderContext
    private let timeZone: String
    private let utcTime: String

    /// What came of it: the entries with their keys resolved (`nil` for an entry whose key could not be),
    /// the record for `plan` to show, and the warnings.
    struct Outcome {
        var entries: [FileEntry?]
        var resolution: KeyResolution?
        var warnings: [Diagnostic]
    }

    init(manifest: Manifest, values: PlaceholderValues) {
        self.manifest = manifest
        // The name was checked when the manifest was decoded.
        timeZone = manifest.timeZone?.value ?? "UTC"
        let offset = TimeZone(identifier: timeZone)?.secondsFromGMT(for: values.now) ?? 0
        let epochSeconds = Int64(values.now.timeIntervalSince1970.rounded(.down))
        utcTime = Timestamp.iso8601(values.now)
        context = PlaceholderContext(
            time: CivilTime(epochSeconds: epochSeconds, offsetSeconds: offset),
            hostname: values.hostname,
            environment: values.environment,
            name: manifest.batchName
        )
    }

    func resolve(into diagnostics: inout [Diagnostic]) -> Outcome {
        var outcome = Outcome(entries: [], resolution: nil, warnings: [])
        var fields: [KeyResolution.Field] = []
        for (index, written) in manifest.files.enumerated() {
            var entry = written
            var resolved = true
            for (field, value) in [("key", \FileEntry.key), ("key_prefix", \FileEntry.keyPrefix)] {
                guard let template = entry[keyPath: value] else { continue }
                do {
                    let parsed = try KeyTemplate(parsing: template.value)
                    let text = try parsed.resolve(context)
                    entry[keyPath: value] = Marked(text, at: template.mark)
                    if parsed.hasPlaceholders {
                        fields.append(.init(path: "files[\(index)].\(field)", written: template.value, resolved: text))
                    }
                    outcome.warnings += warnings(
                        field: field,
                        written: template.value,
                        resolved: text,
                        at: template.mark
                    )
                } catch {
                    diagnostics.append(Diagnostic(template.mark, error.message))
                    resolved = false
                }
            }
            outcome.entries.append(resolved ? entry : nil)
        }
        if !fields.isEmpty { outcome.resolution = KeyResolution(time: utcTime, timeZone: timeZone, fields: fields) }
        return outcome
    }

    /// What every key `written` (a `key` or `key_prefix`) makes on any night starts with: its text before the
    /// first time placeholder, the others resolved as now; empty when it cannot be resolved (`index prune`).
    func prefixBeforeTime(of written: String) -> String {
        (try? KeyTemplate(parsing: written).resolve(context, stoppingAtTime: true)) ?? ""
    }

    /// `prefixBeforeTime(of:)` cut back to a whole folder (through its last `/`) when a time placeholder cut
    /// it inside a name: `backup-{date}/` makes keys under `backup-2026-12-07/`, and `backup-` would also hold
    /// another batch's `backup-static/` (`index prune` pruned its entries, `uploads --abort` its uploads; review
    /// of e4ab55a). Empty when it cannot be resolved.
    func folderBeforeTime(of written: String) -> String {
        let before = prefixBeforeTime(of: written)
        guard (try? KeyTemplate(parsing: written))?.holdsTime == true, !before.hasSuffix("/") else { return before }
        guard let slash = before.lastIndex(of: "/") else { return "" }
        return String(before[...slash])
    }

    /// A literal `${` (a shell variable that will not be expanded), and a key prefix that runs into the
    /// paths after it (`web01` + `etc/x` is `web01etc/x`).
    private func warnings(field: String, written: String, resolved: String, at mark: SourceMark) -> [Diagnostic] {
        var warnings: [Diagnostic] = []
        if written.contains("${") || resolved.contains("${") {
            warnings.append(
                .warning(
                    mark,
                    "'\(field)' holds a literal '${' ('\(resolved)'): ossbatch expands no shell variables, the "
                        + "'$' stays in the key; an environment variable is written {env:NAME}"
                )
            )
        }
        if field == "key_prefix", let last = resolved.unicodeScalars.last,
            last.properties.isAlphabetic || ("0"..."9").contains(last)
        {
            warnings.append(
                .warning(
                    mark,
                    "key_prefix '\(resolved)' does not end with '/', so it runs into every path after it "
                        + "('\(resolved)' + 'etc/x' gives '\(resolved)etc/x'); end it with '/' for a folder"
                )
            )
        }
        return warnings
    }
}
