/// The human summary `ossbatch plan` prints: the target, then the totals.
public struct PlanSummary {
    public let plan: Plan

    public init(_ plan: Plan) { self.plan = plan }

    public var text: String {
        let t = plan.target
        let bytes = plan.totalBytes
        let rows: [(String, String)] = [
            ("endpoint", t.endpoint), ("bucket", t.bucket), ("region", t.region.isEmpty ? "(none)" : t.region),
            ("signature", t.signature.rawValue), ("addressing", t.addressing.rawValue),
        ]
        let totals: [(String, String)] = [
            ("files", Self.grouped(Int64(plan.jobs.count))),
            ("bytes", "\(ByteSize.format(bytes)) (\(Self.grouped(bytes)) bytes)"),
            ("single puts", Self.grouped(Int64(plan.singlePutCount))),
            ("multipart jobs", Self.grouped(Int64(plan.multipartCount))),
            ("parts", Self.grouped(Int64(plan.partCount))),
        ]
        var lines = ["Plan for \(plan.manifestPath)", "Target"]
        lines += rows.map { "  \(($0.0 + ":").padding(16))\($0.1)" }
        lines.append("Totals")
        lines += totals.map { "  \(($0.0 + ":").padding(16))\($0.1)" }
        lines.append("Plan ID: \(plan.planID)")
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
