/// A night that ended with files not uploaded (`failed`, or `fatal`: an endpoint that never answered, or
/// refused because the night before still ran) under keys that hold a placeholder no other night of its
/// batch planned. Under `web01/{date}/` the next night sends its files to its own snapshot, so that night's
/// snapshot stays short of those files until its report is resumed (or given up by `abort`); under keys
/// every night resolves alike (none, or `{hostname}/`) the next night sends them again, and the older night
/// needs nothing.
///
/// A report is judged from its header alone (`key_resolution`, totals): one written before reports kept how
/// their keys were resolved is never listed. Nor can the header say which entry's files are missing: in a
/// manifest with a fixed and a dated entry, a night is listed whenever files are missing and its dated keys
/// were not planned again (a false alarm when only the fixed entry's files were missing, never a miss).
package enum SnapshotLeftIncomplete {
    /// One report of a batch, as far as this judgement needs it.
    package struct Night: Sendable {
        /// When it was made (ISO 8601, UTC: ordered as strings).
        package var createdAt: String
        /// It ran: not every run on it was refused because another process held the batch.
        package var ran: Bool
        package var keys: KeyResolution?

        package init(createdAt: String, ran: Bool, keys: KeyResolution?) {
            (self.createdAt, self.ran, self.keys) = (createdAt, ran, keys)
        }

        /// Whether `other` planned this night's keys again: it ran, and every key this night's placeholders
        /// resolved to is one of its own (whichever entry or spelling: `{date}` and `{date:%Y-%m-%d}` alike).
        /// A night that ran is covered only by a later one; a night refused as busy by any that ran (the night
        /// that held the batch, when it was the same day's).
        func isCovered(by other: Night) -> Bool {
            guard other.ran, ran ? other.createdAt > createdAt : true, let keys, let theirs = other.keys else {
                return false
            }
            let resolved = Set(theirs.fields.map(\.resolved))
            return keys.fields.allSatisfy { resolved.contains($0.resolved) }
        }
    }

    /// How many resolved keys a reason names at most.
    static let listedKeys = 5

    /// Why `night` left its snapshot incomplete, or `nil` when it did not: it did not stop (`stopped`: it
    /// ended `failed` or `fatal`) with files not uploaded (`totals`), its keys hold no placeholder, or one of
    /// `others` (the batch's other reports) planned them again.
    package static func reason(
        of night: Night,
        stopped: Bool,
        totals: ReportTotals,
        among others: some Sequence<Night>
    ) -> String? {
        guard stopped, let keys = night.keys, !keys.fields.isEmpty else { return nil }
        // Saturating: the totals come from a header that may have been edited.
        let (missing, overflow) = totals.pending.addingReportingOverflow(totals.failed)
        guard overflow || missing > 0, !others.contains(where: night.isCovered(by:)) else { return nil }
        let resolved =
            keys.fields.prefix(listedKeys).map { "\($0.path) \($0.resolved)" }
            + (keys.fields.count > listedKeys ? ["and \(keys.fields.count - listedKeys) more"] : [])
        let count = overflow ? Int.max : missing
        return "\(count) of its \(totals.jobs) file\(totals.jobs == 1 ? "" : "s") \(count == 1 ? "was" : "were") never "
            + "uploaded under its keys (\(resolved.joined(separator: ", "))), and no later night planned those keys: that snapshot "
            + "stays incomplete until this report is resumed (or given up with abort)"
    }

    /// `reason(of:stopped:totals:among:)` of the report `report`, among the batch's reports `others`.
    package static func reason(of report: ReportOverview, among others: some Sequence<ReportOverview>) -> String? {
        reason(
            of: Night(report),
            stopped: report.status == .failed || report.status == .fatal,
            totals: report.totals,
            among: others.lazy.map(Night.init)
        )
    }
}

extension SnapshotLeftIncomplete.Night {
    package init(_ report: ReportOverview) {
        self.init(createdAt: report.createdAt, ran: !report.onlyRefusedAsBusy, keys: report.keyResolution)
    }
}
