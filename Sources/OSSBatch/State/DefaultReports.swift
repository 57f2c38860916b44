import Foundation
import LocalFiles

/// The reports `run` writes when it is given no `--report`: `STATE/BATCH/reports/`, one per run, named by
/// the time in UTC to the millisecond (`ossbatch-report-20261125T220000.123Z.json`, with `-PID` added when
/// another run took that name), and pruned to the newest `--keep-reports` — finished ones only.
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

    /// Removes the oldest finished reports of batch `batch` (with their journals) until at most `keep` are
    /// left, never an unfinished one, one in use, or one that cannot be read. Those of nights whose snapshot
    /// stays incomplete (`SnapshotLeftIncomplete`: the record of which files that snapshot lacks) go last, only
    /// when the others are not enough: a dated batch one file of which fails every night keeps `keep` reports
    /// too. Returns the paths removed.
    @discardableResult
    package static func prune(batch: String, in state: StateDirectory, keep: Int) -> [String] {
        let dir = state.reports(batch: batch)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return [] }
        let reports = names.filter { $0.hasPrefix(prefix) && $0.hasSuffix(suffix) }.sorted()
        var excess = reports.count - keep
        guard excess > 0 else { return [] }
        // Every report of the batch (a `--report` in its directory too), each header read once.
        let overviews = Dictionary(
            state.reports(ofBatch: batch).compactMap { path in (try? ReportOverview.read(path)).map { (path, $0) } },
            uniquingKeysWith: { first, _ in first }
        )
        let finished = reports.map { dir + "/" + $0 }.filter { overviews[$0]?.unfinishedReason == nil }
        let incomplete = Set(
            finished.filter { path in
                overviews[path].map { SnapshotLeftIncomplete.reason(of: $0, among: overviews.values) != nil } ?? false
            }
        )
        var removed: [String] = []
        for path in finished.filter({ !incomplete.contains($0) }) + finished.filter(incomplete.contains)
        where excess > 0 {
            guard overviews[path] != nil, !StateLock.isHeld(at: ReportLock.path(of: path)) else { continue }
            for file in [path, path + ".journal", ReportLock.path(of: path)] { unlink(file) }
            AtomicFile.removeLeftovers(of: path)
            removed.append(path)
            excess -= 1
        }
        return removed
    }
}
