import Foundation
import OSSKit

/// Which open multipart uploads of a key no checkpoint knows — the one rule the engine applies after every
/// Initiate and `ossbatch abort` applies to unfinished jobs — narrowed to uploads this batch can have
/// started, so that neither ever touches another batch's upload of the same key.
///
/// Both run while holding the key's lock (`KeyLocks`), so no other process sharing the state directory is
/// uploading the key at that moment; the time windows keep uploads of other batches that ran before (and
/// may be resumed) out of reach.
enum StrayUploads {
    /// How far the server's clock may be from ours (OSS refuses requests skewed by more).
    static let clockSkewAllowance: TimeInterval = 15 * 60
    /// Slack around an upload's `Initiated` time as OSS lists it (whole seconds, rounded either way).
    static let listingSlack: TimeInterval = 2

    /// The uploads of exactly `key` (listings match by prefix) other than those in `keeping`, started within
    /// one of `windows`. An upload whose start time cannot be read is left alone.
    static func select(
        _ open: [MultipartUploadSummary],
        key: String,
        within windows: [ClosedRange<Date>],
        keeping: Set<String>
    ) -> [MultipartUploadSummary] {
        open.filter { upload in
            // The same bytes: a canonically equivalent key is another object, another batch's upload.
            guard ExactString.same(upload.key, key), !keeping.contains(upload.uploadID),
                let started = Timestamp.parse(upload.initiated)
            else { return false }
            return windows.contains { $0.contains(started) }
        }
    }

    /// When a lost answer of this job's InitiateMultipartUpload can have started an upload, on the server's
    /// clock: before `kept` (the upload the answer named) started, by no more than the Initiate took on ours
    /// (from the first attempt `asked` to the answer `answered`), with the listing's slack. Clock skew does
    /// not matter: both ends are the server's. Without `kept` in the listing: from `asked` to `answered`,
    /// widened by the clock-skew allowance.
    static func initiateWindow(
        _ open: [MultipartUploadSummary],
        kept: String,
        asked: Date,
        answered: Date
    ) -> ClosedRange<Date> {
        let took = max(0, answered.timeIntervalSince(asked))
        if let mine = open.first(where: { $0.uploadID == kept }), let started = Timestamp.parse(mine.initiated) {
            return started.addingTimeInterval(-took - listingSlack)...started.addingTimeInterval(listingSlack)
        }
        return asked.addingTimeInterval(-clockSkewAllowance)...answered.addingTimeInterval(clockSkewAllowance)
    }

    /// `windows` (this machine's clock) as OSS's clock may see them: the windows themselves and, when this
    /// machine's clock is found off OSS's by more than the skew allowance (`offset` seconds, OSS's time less
    /// ours, learnt from a `RequestTimeTooSkewed` answer), the windows moved by it. A run on a clock two hours
    /// fast recorded its start two hours after OSS dated its uploads; `abort` on the same clock learns the same
    /// offset. Both are kept: the clock may have been set right between the run and `abort` (the first set then
    /// covers it, the second is never wider than the offset). A clock wrong during the run and right now cannot
    /// be told from the report: that run's strays stay (`ossbatch uploads` lists them).
    static func onServerClock(_ windows: [ClosedRange<Date>], offset: Int64) -> [ClosedRange<Date>] {
        guard abs(TimeInterval(offset)) > clockSkewAllowance else { return windows }
        let shift = TimeInterval(offset)
        return windows
            + windows.map { $0.lowerBound.addingTimeInterval(shift)...$0.upperBound.addingTimeInterval(shift) }
    }

    /// For the sweep after each Initiate of a run that continues a report (`resume`): when the report's earlier
    /// runs can have started uploads, each window ending at `before` (this run's start) at the latest. A run
    /// killed while an Initiate was in flight left an upload no checkpoint knows; its job starts a new one
    /// now, and without this the old one stayed open, and billed, after a `resume` that succeeded. Empty
    /// for a report without earlier `run`/`resume` (a new night's `run`).
    static func earlierRunWindows(_ runs: [RunRecord], createdAt: String, before: Date) -> [ClosedRange<Date>] {
        guard runs.contains(where: { $0.command == "run" || $0.command == "resume" }) else { return [] }
        return runWindows(runs, createdAt: createdAt, now: before).compactMap { window in
            window.lowerBound < before ? window.lowerBound...min(window.upperBound, before) : nil
        }
    }

    /// When a batch's runs can have started uploads (for `abort`): each `run` or `resume` from its start to
    /// its end — a run killed before its end lasts until the next one started, or until now — widened by the
    /// clock-skew allowance. Before any run was recorded: from `createdAt` on.
    static func runWindows(_ runs: [RunRecord], createdAt: String, now: Date = Date()) -> [ClosedRange<Date>] {
        let uploading = runs.filter { $0.command == "run" || $0.command == "resume" }
        guard !uploading.isEmpty else {
            let created = Timestamp.parse(createdAt) ?? .distantPast
            return [
                created.addingTimeInterval(
                    -clockSkewAllowance
                )...max(created, now).addingTimeInterval(clockSkewAllowance)
            ]
        }
        var windows: [ClosedRange<Date>] = []
        for (i, run) in uploading.enumerated() {
            guard let start = Timestamp.parse(run.startedAt) else { continue }
            let next = i + 1 < uploading.count ? Timestamp.parse(uploading[i + 1].startedAt) : nil
            let end = run.finishedAt.flatMap(Timestamp.parse) ?? next ?? now
            windows.append(
                start.addingTimeInterval(-clockSkewAllowance)...max(start, end).addingTimeInterval(clockSkewAllowance)
            )
        }
        return windows
    }
}
