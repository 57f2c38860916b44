import Foundation
import LocalFiles

/// The reports `run` writes when it is given no `--report`: `STATE/BATCH/reports/`, one per run, named by
/// the time in UTC to the millisecond (`ossbatch-report-20261125T220000.123Z.json`, with `-PID` added when
/// another run took that name), and pruned to `--keep-reports` — finished ones only, the oldest first but for
/// the order `prune` gives nights refused as busy and nights whose dated snapshot stays incomplete.
package enum DefaultReports {
    static let prefix = "ossbatch-report-"
    static let suffix = ".json"

    /// A new report path for batch `batch`, claimed for this process (its lock file is created with
    /// `O_EXCL`, so two runs starting in the same millisecond get two names).
    package static func newPath(
        batch: String,
        in state: StateDirectory,
        now: Date = Date()
    ) throws(StateFileError) -> String {
        let dir = state.reports(batch: batch)
        try StateDirectory.prepare(dir)
        let stamp = Timestamp.iso8601(now).filter { $0 != "-" && $0 != ":" }
        let pid = getpid()
        for attempt in 0..<100 {
            let name = prefix + stamp + (attempt == 0 ? "" : "-\(pid)" + (attempt == 1 ? "" : "-\(attempt)")) + suffix
            let path = dir + "/" + name
            do {
                close(try StateFile.createExclusive(ReportLock.path(of: path)))
                // A report without a lock file (an older run's, killed before…) keeps its name too.
                if (try? FileStatus.lstat(path)) == nil { return path }
            } catch  where error.errno == EEXIST {
                continue
            } catch {
                throw StateFileError(path: path, operation: "create", reason: error.reason)
            }
        }
        throw StateFileError(path: dir, operation: "find a free report name in", reason: "every name tried is taken")
    }

    /// What `prune` removed.
    package struct Pruned {
        package var removed: [String] = []
        /// Of `removed`, reports of nights whose snapshot stays incomplete, with why (`SnapshotLeftIncomplete`):
        /// removed only because the other reports were not enough to keep `keep`.
        package var incomplete: [(path: String, reason: String)] = []
    }

    /// Removes the oldest finished reports of batch `batch` (with their journals) until at most `keep` are
    /// left, never an unfinished one, one in use, or one that cannot be read. Nights refused as busy that are
    /// not incomplete themselves (their keys planned by a night that ran, or not dated) go first (they never
    /// ran, and the night that held the batch must not go before them: without it they would look incomplete); nights whose snapshot stays incomplete
    /// (`SnapshotLeftIncomplete`: the record of which files that snapshot lacks) go last, only when the others
    /// are not enough: a dated batch one file of which fails every night keeps `keep` reports too.
    @discardableResult
    package static func prune(batch: String, in state: StateDirectory, keep: Int) -> Pruned {
        let dir = state.reports(batch: batch)
        // What writes of reports killed before their rename left, whatever night they were of.
        AtomicFile.removeLeftovers(inDirectory: dir)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return Pruned() }
        let reports = names.filter { $0.hasPrefix(prefix) && $0.hasSuffix(suffix) }.sorted()
        var excess = reports.count - keep
        guard excess > 0 else { return Pruned() }
        // Every report of the batch (a `--report` in its directory too), each header read once.
        let overviews = Dictionary(
            state.reports(ofBatch: batch).compactMap { path in (try? ReportOverview.read(path)).map { (path, $0) } },
            uniquingKeysWith: { first, _ in first }
        )
        let nights = overviews.values.map(SnapshotLeftIncomplete.Night.init)
        // Finished and readable, oldest first; each with why its snapshot stays incomplete, if it does.
        let finished = reports.map { dir + "/" + $0 }.compactMap { path -> (String, ReportOverview, String?)? in
            guard let overview = overviews[path], overview.unfinishedReason == nil else { return nil }
            return (path, overview, SnapshotLeftIncomplete.reason(of: .init(overview), among: nights))
        }
        let order =
            finished.filter { $0.2 == nil && $0.1.onlyRefusedAsBusy }
            + finished.filter { $0.2 == nil && !$0.1.onlyRefusedAsBusy } + finished.filter { $0.2 != nil }
        var pruned = Pruned()
        for (path, _, reason) in order where excess > 0 {
            guard !StateLock.isHeld(at: ReportLock.path(of: path)) else { continue }
            for file in [path, path + ".journal", ReportLock.path(of: path)] { unlink(file) }
            AtomicFile.removeLeftovers(of: path)
            pruned.removed.append(path)
            if let reason { pruned.incomplete.append((path, reason)) }
            excess -= 1
        }
        return pruned
    }
}
