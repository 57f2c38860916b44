/// The human summary `ossbatch plan` prints: the target, the keys whose placeholders were resolved (when
/// there are any), then the totals. (The plan ID is in `--json`; hashing every job costs a tenth of a
/// 200,000-file plan, too much for a glance.)
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
        let totals: [(String, String)] = [
            ("files", Self.grouped(Int64(totalled.files))),
            ("bytes", "\(ByteSize.format(bytes)) (\(Self.grouped(bytes)) bytes)"),
            ("single puts", Self.grouped(Int64(totalled.singlePuts))),
            ("multipart jobs", Self.grouped(Int64(totalled.multipartJobs))),
            ("parts", Self.grouped(Int64(totalled.parts))),
        ]
        var lines = ["Plan for \(plan.manifestPath)", "Target"]
        lines += rows.map { "  \(($0.0 + ":").padding(16))\($0.1)" }
        if let keys = plan.keyResolution {
            lines.append("Keys (placeholders resolved for \(keys.time), time zone \(keys.timeZone))")
            lines += keys.fields.map { "  \($0.path): \($0.written) → \($0.resolved)" }
        }
        lines.append("Totals")
        lines += totals.map { "  \(($0.0 + ":").padding(16))\($0.1)" }
        return lines.joined(separator: "\n") + "\n"
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
