/// A night that ended with files not uploaded (`failed`, or `fatal`: an endpoint that never answered) under
/// keys that hold a placeholder no later night of its batch resolved alike. Under `web01/{date}/` the next
/// night sends its files to its own snapshot, so that night's snapshot stays short of those files until its
/// report is resumed (or given up by `abort`); under keys every night resolves alike (none, or `{host}/`)
/// the next night sends them again, and the older night needs nothing.
///
/// A report is judged from its header alone (`key_resolution`, totals): one written before reports kept how
/// their keys were resolved is never listed.
package enum SnapshotLeftIncomplete {
    /// Why the report with `status`, `totals` and `keys` left its snapshot incomplete, or `nil` when it did
    /// not: it uploaded everything, its keys resolve alike every night, or one of `newer` (the keys of the
    /// batch's later reports, each of which ran) resolved them alike and so planned those files again.
    package static func reason(
        status: RunStatus,
        totals: ReportTotals,
        keys: KeyResolution?,
        newer: some Sequence<KeyResolution?>
    ) -> String? {
        guard status == .failed || status == .fatal, let keys, !keys.fields.isEmpty else { return nil }
        let missing = totals.pending + totals.failed
        guard missing > 0 else { return nil }
        guard !newer.contains(where: { $0.map(keys.sameKeys) == true }) else { return nil }
        let resolved = keys.fields.map { "\($0.path) \($0.resolved)" }.joined(separator: ", ")
        return "\(missing) of its \(totals.jobs) file\(totals.jobs == 1 ? "" : "s") were never uploaded under "
            + "its keys (\(resolved)), and no later night planned those keys: that snapshot stays incomplete "
            + "until this report is resumed (or given up with abort)"
    }

    /// `reason(status:totals:keys:newer:)` of `report`, the newer reports being those of `others` made after it
    /// that ran (not only refused as busy).
    package static func reason(of report: ReportOverview, among others: some Sequence<ReportOverview>) -> String? {
        reason(
            status: report.status,
            totals: report.totals,
            keys: report.keyResolution,
            newer: others.lazy.filter { $0.createdAt > report.createdAt && !$0.onlyRefusedAsBusy }.map(\.keyResolution)
        )
    }
}
