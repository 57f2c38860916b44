/// The human summary `ossbatch plan` prints: the target, the totals, then what each entry selected and
/// passed over. (The plan ID is in `--json`; hashing every job costs a tenth of a 200,000-file plan, too
/// much for a glance.)
package struct PlanSummary {
    package let plan: Plan

    package init(_ plan: Plan) { self.plan = plan }

    package var text: String {
        let t = plan.target
        let totalled = plan.totals
        let bytes = totalled.bytes
        let rows: [(String, String)] = [
            ("endpoint", t.endpoint), ("bucket", t.bucket), ("region", t.region.isEmpty ? "(none)" : t.region),
            ("signature", t.signature.rawValue), ("addressing", t.addressing.rawValue),
        ]
        var totals: [(String, String)] = [
            ("files", Self.grouped(Int64(totalled.files))),
            ("bytes", "\(ByteSize.format(bytes)) (\(Self.grouped(bytes)) bytes)"),
            ("single puts", Self.grouped(Int64(totalled.singlePuts))),
            ("multipart jobs", Self.grouped(Int64(totalled.multipartJobs))),
            ("parts", Self.grouped(Int64(totalled.parts))),
        ]
        if totalled.skipped > 0 {
            totals.append(
                (
                    "skipped",
                    "\(Self.grouped(Int64(totalled.skipped))) (left out; the report lists each with its reason)"
                )
            )
        }
        if totalled.unchanged > 0 {
            totals.append(
                (
                    "unchanged",
                    "\(Self.grouped(Int64(totalled.unchanged))) files, \(ByteSize.format(totalled.unchangedBytes)) "
                        + "(the upload index has them; no request, no read)"
                )
            )
        }
        if plan.upload.unchanged == .copy && totalled.files > 0 {
            // Decided by the run, which looks each file's version up (the plan reads the index by key only):
            // without this line, `plan` overstated what a dated night sends (review of 572eea5).
            totals.append(
                (
                    "copies",
                    "files the upload index has under another key (last night's folder) are copied on the server, "
                        + "not sent: the bytes above are at most what goes over the wire"
                )
            )
        }
        var lines = ["Plan for \(plan.manifestPath)", "Target"]
        lines += rows.map { "  \(($0.0 + ":").padding(16))\($0.1)" }
        if let keys = plan.keyResolution {
            lines.append("Keys (placeholders resolved for \(keys.time), time zone \(keys.timeZone))")
            lines += keys.fields.map { "  \($0.path): \($0.written) → \($0.resolved)" }
        }
        if let info = plan.shard {
            let split =
                info.split == .directories
                ? "split by directories; entries below are this shard's"
                : "split balanced; entries below are the whole plan's"
            lines.append("Totals (shard \(info.shard.index) of \(info.shard.count), numbered from 0, \(split))")
        } else {
            lines.append("Totals")
        }
        lines += totals.map { "  \(($0.0 + ":").padding(16))\($0.1)" }
        if !plan.entries.isEmpty {
            lines.append("Entries")
            lines += plan.entries.map { "  " + Self.describe($0, walk: plan.shard != nil) }
        }
        return lines.map(TerminalText.line).joined(separator: "\n") + "\n"
    }

    /// `source 'site/' (line 12): 5 files; excludes removed 2 files and 1 directory; 1 link not followed`;
    /// with `walk` (a shard's plan), also the files other shards own and how many files the walk stat'ed.
    static func describe(_ entry: EntrySummary, walk: Bool = false) -> String {
        var parts = [counted(entry.files, "file")]
        var removed: [String] = []
        if entry.excludedFiles > 0 { removed.append(counted(entry.excludedFiles, "file")) }
        if entry.excludedDirectories > 0 {
            removed.append(counted(entry.excludedDirectories, "directory", "directories"))
        }
        if !removed.isEmpty { parts.append("excludes removed " + removed.joined(separator: " and ")) }
        if entry.links > 0 { parts.append(counted(entry.links, "link") + " not followed") }
        if entry.specialFiles > 0 { parts.append(counted(entry.specialFiles, "special file") + " skipped") }
        if entry.unreadableFiles > 0 { parts.append(counted(entry.unreadableFiles, "unreadable file") + " skipped") }
        if entry.unlistableDirectories > 0 {
            parts.append(
                counted(entry.unlistableDirectories, "unlistable directory", "unlistable directories") + " skipped"
            )
        }
        if entry.unnameableItems > 0 {
            parts.append(
                counted(entry.unnameableItems, "file or directory", "files or directories")
                    + " skipped (name not UTF-8)"
            )
        }
        if entry.longKeyFiles > 0 {
            parts.append(counted(entry.longKeyFiles, "file") + " skipped (key over \(ObjectKey.maximumBytes) bytes)")
        }
        if entry.brokenLinks > 0 {
            parts.append(counted(entry.brokenLinks, "broken symbolic link") + " skipped")
        }
        if entry.otherShardFiles > 0 {
            parts.append(counted(entry.otherShardFiles, "file") + " in other shards' directories")
        }
        if walk { parts.append(counted(entry.examinedFiles, "file") + " stat'ed") }
        let place = entry.mark.line.map { " (line \($0))" } ?? ""
        return "\(entry.selector)\(place): " + parts.joined(separator: "; ")
    }

    private static func counted(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(grouped(Int64(n))) \(n == 1 ? singular : plural ?? singular + "s")"
    }

    /// `1234567` → `1,234,567`.
    static func grouped(_ n: Int64) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }
}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(1, width - count)) }
}
