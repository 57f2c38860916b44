/// A night that ended with files not uploaded (`failed`, or `fatal`: an endpoint that never answered, or
/// refused because the night before still ran) under keys that hold a placeholder no later night of its
/// batch planned (for a night refused as busy: no night that ran). Under `web01/{date}/` the next night sends its files to its own snapshot, so that night's
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
        /// It ended `failed` or `fatal`: files may be missing.
        package var stopped: Bool
        package var totals: ReportTotals

        package init(createdAt: String, ran: Bool, keys: KeyResolution?, stopped: Bool, totals: ReportTotals) {
            (self.createdAt, self.ran, self.keys, self.stopped, self.totals) = (createdAt, ran, keys, stopped, totals)
        }

        /// Whether a report of `status` ended with files maybe missing.
        package static func stopped(_ status: RunStatus) -> Bool { status == .failed || status == .fatal }

        /// Whether `other` planned this night's keys again: it ran, and every key this night's placeholders
        /// resolved to is one of its own (whichever entry or spelling: `{date}` and `{date:%Y-%m-%d}` alike).
        /// A night that ran is covered only by a later one; a night refused as busy by any that ran (the night
        /// that held the batch, when it was the same day's).
        package func isCovered(by other: Night) -> Bool {
            guard other.ran, ran ? other.createdAt > createdAt : true, let keys, let theirs = other.keys else {
                return false
            }
            let resolved = Set(theirs.fields.map(\.resolved))
            return keys.fields.allSatisfy { resolved.contains($0.resolved) }
        }
    }

    /// How many resolved keys a reason names at most.
    static let listedKeys = 5

    /// Why `night` left its snapshot incomplete, or `nil` when it did not: it did not stop with files not
    /// uploaded, its keys hold no placeholder, or one of `others` (the batch's other reports; `night` itself
    /// may be among them) planned them again.
    package static func reason(of night: Night, among others: some Sequence<Night>) -> String? {
        guard night.stopped, let keys = night.keys, !keys.fields.isEmpty else { return nil }
        // Saturating: the totals come from a header that may have been edited.
        let (missing, overflow) = night.totals.pending.addingReportingOverflow(night.totals.failed)
        guard overflow || missing > 0, !others.contains(where: night.isCovered(by:)) else { return nil }
        let resolved =
            keys.fields.prefix(listedKeys).map { "\($0.path) \($0.resolved)" }
            + (keys.fields.count > listedKeys ? ["and \(keys.fields.count - listedKeys) more"] : [])
        let (count, jobs) = (overflow ? Int.max : missing, night.totals.jobs)
        return "\(count) of its \(jobs) file\(jobs == 1 ? "" : "s") \(count == 1 ? "was" : "were") never uploaded "
            + "under its keys (\(resolved.joined(separator: ", "))), and no \(night.ran ? "later night" : "night that ran") "
            + "planned those keys: that snapshot stays incomplete until this report is resumed (or given up with abort)"
    }
}

extension SnapshotLeftIncomplete.Night {
    /// The night of a report read from its header.
    package init(_ report: ReportOverview) {
        self.init(
            createdAt: report.createdAt,
            ran: !report.onlyRefusedAsBusy,
            keys: report.keyResolution,
            stopped: Self.stopped(report.status),
            totals: report.totals
        )
    }

    /// The night of a report in memory (tonight's, before it runs).
    package init(_ report: Report) {
        self.init(
            createdAt: report.createdAt,
            ran: true,
            keys: report.keyResolution,
            stopped: Self.stopped(report.status),
            totals: report.totals
        )
    }

    /// The night of a report as `status` read it (`nil` when it could not be read). A report that ended
    /// `failed` or `fatal` has that state (a running or killed one has its own).
    package init?(_ status: BatchStatus) {
        guard let createdAt = status.createdAt, let totals = status.totals else { return nil }
        self.init(
            createdAt: createdAt,
            ran: !status.onlyRefusedAsBusy,
            keys: status.keyResolution,
            stopped: status.state == .failed || status.state == .fatal,
            totals: totals
        )
    }
}
