import Foundation
import LocalFiles

extension StateDirectory {
    /// The batches that have a directory here, by name (dot names — the lock directory — excepted).
    package func batchNames() -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return [] }
        return names.filter { !$0.hasPrefix(".") && Self.isDirectory(batch($0)) }.sorted()
    }

    /// The reports of batch `name`, newest first (by the time each was last written): the default reports in
    /// `BATCH/reports/` and reports given with `--report` directly in `BATCH/` (a systemd unit's
    /// `$STATE_DIRECTORY/report.json`). Regular files only, never through a symbolic link.
    package func reports(ofBatch name: String) -> [String] {
        var found: [(path: String, mtime: Int64)] = []
        for dir in [batch(name), reports(batch: name)] {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { continue }
            for file in names where file.hasSuffix(".json") {
                let path = dir + "/" + file
                guard let status = try? FileStatus.lstat(path), status.kind == .regular else { continue }
                found.append((path, status.mtimeNanoseconds))
            }
        }
        return found.sorted { ($0.mtime, $0.path) > ($1.mtime, $1.path) }.map(\.path)
    }

    /// The status of every batch here, or of the batch named `only`: its newest report's, with any older
    /// report of it that is unfinished (running, killed, interrupted, or with uploads open; an older one that
    /// merely failed was followed by a newer run and is not listed).
    package func batchStatuses(only: String? = nil) -> [BatchStatus] {
        (only.map { [$0] } ?? batchNames()).compactMap { name in
            let reports = reports(ofBatch: name)
            guard let newest = reports.first else { return nil }
            var status = BatchStatus.of(report: newest, batch: name)
            let older = reports.dropFirst().map { BatchStatus.of(report: $0, batch: name) }
                .filter { $0.state == .running || ($0.state != .unreadable && $0.problem != nil) }
            if !older.isEmpty { status.olderUnfinished = older }
            return status
        }
    }

    private static func isDirectory(_ path: String) -> Bool {
        (try? FileStatus.lstat(path))?.kind == .directory
    }
}
