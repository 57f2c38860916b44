/// The runs of a report written by `report merge`, by shard: each shard's last run is what says how that shard
/// stands. The merged report's runs are every shard's, in start order, so its last run is only the shard that
/// started last: read alone, it hid another shard's exit 1, and called the merge crashed, naming the wrong
/// process, while another shard still ran.
package struct MergedReportRuns: Sendable {
    /// Each shard's last run, by K.
    package let lastRuns: [(shard: Shard, run: RunRecord)]

    /// `nil` unless every run names its shard (`RunRecord.shard`: a merge by this version or later). A merge
    /// written before runs named their shard cannot be read by shard, and is read as any report.
    package init?(_ runs: [RunRecord]) {
        guard !runs.isEmpty, runs.allSatisfy({ $0.shard != nil }) else { return nil }
        var last: [Shard: RunRecord] = [:]
        for run in runs { last[run.shard!] = run }  // runs are in start order: the later one wins
        lastRuns = last.sorted { $0.key.index < $1.key.index }.map { ($0.key, $0.value) }
    }

    /// The shards whose last run has no end: still running when they were merged, or killed.
    package var unended: [(shard: Shard, run: RunRecord)] { lastRuns.filter { $0.run.finishedAt == nil } }

    /// The shards whose last run ended with another status than `succeeded`.
    package var unsucceeded: [(shard: Shard, run: RunRecord)] {
        lastRuns.filter { $0.run.finishedAt != nil && $0.run.status != .succeeded }
    }

    /// The shards whose last `run` or `resume` exited 1 (`BatchStatus.succeededWithExceptions`, per shard).
    package var exitedOne: [(shard: Shard, run: RunRecord)] {
        lastRuns.filter { ($0.run.command == "run" || $0.run.command == "resume") && $0.run.exitCode == 1 }
    }

    /// Why a merged batch whose shards finished still needs a look, or `nil`: a shard's last run exited 1 (its
    /// sources skipped as unreadable or unlistable), as that run's exit code said.
    package var exitedOneReason: String? {
        let shards = exitedOne.map { "shard \($0.shard)'s last \($0.run.command)" }
        guard !shards.isEmpty else { return nil }
        return "\(shards.joined(separator: ", ")) exited 1: the report's skipped jobs say which sources could not "
            + "be read or listed"
    }

    /// Why the merged report does not stand for a finished batch, or `nil`: a shard's last run never ended, or
    /// ended without succeeding. The merge is a snapshot: the cure is in the shards' reports, then a new merge.
    package var unfinishedReason: String? {
        if !unended.isEmpty {
            let named = unended.map { shard, run in
                "shard \(shard)'s \(run.command) (pid \(run.pid.map(String.init) ?? "?")"
                    + "\(run.host.map { " on \($0)" } ?? ""), started \(run.startedAt))"
            }
            return "it was merged while \(named.joined(separator: ", ")) had not ended: still running then, or "
                + "killed. When \(unended.count == 1 ? "that shard has" : "those shards have") ended (resume "
                + "\(unended.count == 1 ? "its" : "each") shard's report if it was killed), merge the shards again"
        }
        if !unsucceeded.isEmpty {
            let named = unsucceeded.map { "shard \($0.shard) (\($0.run.status.rawValue))" }
            return "it was merged from shards not all done: \(named.joined(separator: ", ")); resume "
                + "\(unsucceeded.count == 1 ? "that shard's report" : "those shards' reports") and merge the shards "
                + "again"
        }
        return nil
    }
}

extension Report {
    /// Whether `report merge` wrote this report: no shard of its own, and every run names one (a merge written
    /// before runs named their shard cannot be told from a report of an unsharded batch).
    package var isMerge: Bool { shard == nil && MergedReportRuns(runs) != nil }
}
