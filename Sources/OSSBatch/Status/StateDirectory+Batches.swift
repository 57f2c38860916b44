import Foundation
import LocalFiles

extension StateDirectory {
    /// Why this state directory cannot be listed — it is there but not a directory this user may read (another
    /// user's `0700` directory, a file, an I/O error) — or nil: listable, or not there at all (no batch has
    /// run with it). Listed as empty, it read as "no batches": `status` green for a monitor run as another user,
    /// and `uploads --abort` blind to every batch's uploads (review of ca63f16).
    package func unlistable() -> String? {
        do {
            _ = try Directory(path: path).entries()
            return nil
        } catch {
            return error.errno == ENOENT ? nil : "cannot list the state directory \(path): \(error.reason)"
        }
    }

    /// Whether nothing has used this state directory: it is not there, or holds no entry (a run of any batch
    /// leaves its locks here, wherever its reports and checkpoints are).
    package func isEmptyOrMissing() -> Bool {
        guard let entries = try? Directory(path: path).entries() else { return unlistable() == nil }
        return entries.isEmpty
    }

    /// The batches that have a directory here, by name (dot names — the lock directory — excepted).
    package func batchNames() -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return [] }
        return names.filter { !$0.hasPrefix(".") && Self.isDirectory(batch($0)) }.sorted()
    }

    /// The reports of batch `name`, newest first (by the time each was last written): the default reports in
    /// `BATCH/reports/` and reports given with `--report` directly in `BATCH/` (a systemd unit's
    /// `$STATE_DIRECTORY/report.json`). Regular files only, never through a symbolic link.
    package func reports(ofBatch name: String) -> [String] { reportFiles(ofBatch: name).map(\.path) }

    /// `reports(ofBatch:)` with when each was last written (nanoseconds since 1970, by this machine's clock then).
    package func reportFiles(ofBatch name: String) -> [(path: String, mtime: Int64)] {
        reportEntries(ofBatch: name).filter { $0.status.kind == .regular }.map { ($0.path, $0.status.mtimeNanoseconds) }
            .sorted { ($0.1, $0.0) > ($1.1, $1.0) }
    }

    /// Every `*.json` entry where a batch's reports are, whatever it is (not followed).
    private func reportEntries(ofBatch name: String) -> [(path: String, status: FileStatus)] {
        var found: [(path: String, status: FileStatus)] = []
        for dir in [batch(name), reports(batch: name)] {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { continue }
            for file in names where file.hasSuffix(".json") {
                let path = dir + "/" + file
                if let status = try? FileStatus.lstat(path) { found.append((path, status)) }
            }
        }
        return found
    }

    /// How far past `now` a report's time may be before it counts as written in the future.
    static let futureTolerance: Int64 = 5 * 60 * 1_000_000_000

    /// The status of every batch here, or of the batch named `only`: its newest report's (the latest night's,
    /// by when each report was made) — or, while one of
    /// its reports is running, that one's; a report of a run refused as busy (exit 4, `fatal`) only when
    /// there is no other —
    /// with any other report of it that is unfinished (running, killed, interrupted, or with uploads open;
    /// one that merely failed was followed by a newer run and is not listed — unless its keys were dated and
    /// no later run planned them: `SnapshotLeftIncomplete`, which lists a night refused as busy too).
    /// The shards of a batch run with `--shard` (`NAME.shard-K-of-N`) are one line, with each shard's detail
    /// (`ShardedBatchStatus`); `only` may name the batch or one shard. A batch run both ways (with and without
    /// `--shard`) has a line for each: the shards' line once hid the batch's own, a crashed run of it included.
    /// A report last written after now (by more than five minutes) makes its batch need attention
    /// (`BatchStatus.futureReports`): the newest report is chosen by when each was written, and a clock that
    /// ran ahead when one was written hides the newer ones behind it (a failed night under a succeeded one).
    package func batchStatuses(only: String? = nil, shardsHere: Bool = false) -> [BatchStatus] {
        var names = batchNames()
        if let only, ShardedBatchStatus.parse(only) != nil { return statuses(of: [only]) }
        if let only {
            let shardsOfIt = names.filter { ShardedBatchStatus.parse($0)?.batch == only }
            names = shardsOfIt.isEmpty || names.contains(only) ? [only] + shardsOfIt : shardsOfIt
        }
        return ShardedBatchStatus.grouped(withFailedStarts(statuses(of: names), of: names), shardsHere: shardsHere)
    }

    /// `statuses` with each batch's `FailedStart` that is newer than its last run: a run that ended before
    /// writing a report (an invalid manifest, ...) is the batch's `problem` (it needs attention), and a batch
    /// with no report at all is listed by it (`fatal`). Not for `resume --batch`: there is nothing to resume.
    private func withFailedStarts(_ statuses: [BatchStatus], of names: [String]) -> [BatchStatus] {
        var all = statuses
        var added = false
        for name in names {
            // A record that cannot be read stands, undated: a start failed and said so, and only a look tells
            // whether a run since made it old.
            let failed: FailedStart?
            let problem: String
            do {
                guard let read = try FailedStart.read(batch: name, in: self) else { continue }
                (failed, problem) = (read, read.problem)
            } catch {
                (failed, problem) = (nil, "\(error.description); delete it once the batch has been looked at")
            }
            guard let i = all.firstIndex(where: { $0.batch == name }) else {
                var status = BatchStatus(batch: name, report: FailedStart.path(batch: name, in: self), state: .fatal)
                status.problem = problem
                status.lastRunAt = failed?.at
                all.append(status)
                added = true
                continue
            }
            if let failed {
                let lastRun = all[i].lastRun.flatMap { $0.finishedAt ?? $0.startedAt } ?? all[i].lastRunAt
                guard let ended = failed.ended, lastRun.flatMap(Timestamp.parse).map({ $0 < ended }) ?? true else {
                    continue
                }
            }
            all[i].problem = [all[i].problem, problem].compactMap { $0 }.joined(separator: "; ")
        }
        if added { all.sort { $0.batch < $1.batch } }
        return all
    }

    private func statuses(of names: [String]) -> [BatchStatus] {
        let latest = Int64(Date().timeIntervalSince1970 * 1e9) + Self.futureTolerance
        return names.compactMap { name in
            // Every entry, not only regular files: a link, directory or FIFO put where the newest report was
            // is that night's report unreadable — skipped, it let the night before pass for the batch (audit of
            // 7f6ac3f: `succeeded`, exit 0, over a crashed night).
            let entries = reportEntries(ofBatch: name)
            // A link to one of the batch's own reports (an operator's `latest.json`) is that report, listed
            // already: not a night of its own (review of 0b6d0d6).
            let reports = Set(entries.filter { $0.status.kind == .regular }.map { Self.resolved($0.path) })
            let files = entries.filter { $0.status.kind != .symlink || !reports.contains(Self.resolved($0.path)) }
                .map { (path: $0.path, mtime: $0.status.mtimeNanoseconds, kind: $0.status.kind) }
                .sorted { ($0.mtime, $0.path) > ($1.mtime, $1.path) }
            // Newest night first: by when each report was made, then by when last written. By the write alone,
            // an older night resumed today hid the failed night after it (audit of 72b75db: status went green
            // while last night's snapshot was incomplete).
            // A report that cannot be read is placed by when it was last written.
            let written = files.map { file in
                guard file.kind == .regular else {
                    var odd = BatchStatus(batch: name, report: file.path, state: .unreadable)
                    odd.problem = "it is \(file.kind.description), not a report file; nothing was read from it"
                    return odd
                }
                return BatchStatus.of(report: file.path, batch: name)
            }
            let made = written.indices.map { i in
                written[i].createdAt ?? Timestamp.iso8601(Date(timeIntervalSince1970: Double(files[i].mtime) / 1e9))
            }
            var all = written.indices.sorted { a, b in made[a] != made[b] ? made[a] > made[b] : a < b }
                .map { written[$0] }
            guard
                let chosen = all.firstIndex(where: { $0.state == .running })
                    ?? all.firstIndex(where: { !$0.onlyRefusedAsBusy }) ?? all.indices.first
            else { return nil }
            // A night that stopped with files not uploaded under dated keys no other night planned: finished
            // as far as its own report goes, but its snapshot stays incomplete (`SnapshotLeftIncomplete`) —
            // also a night refused because the night before still ran, which never ran at all. Under keys every
            // night resolves alike the next night sent those files again, and it is not listed.
            let nights = all.map(SnapshotLeftIncomplete.Night.init)
            for i in all.indices
            where i != chosen && !all[i].isMerge && (all[i].problem == nil || all[i].onlyRefusedAsBusy) {
                guard let night = nights[i],
                    let reason = SnapshotLeftIncomplete.reason(of: night, among: nights.lazy.compactMap { $0 })
                else { continue }
                all[i].problem = reason
                all[i].next = BatchStatus.nextCommand(all[i].state, unfinished: true, report: all[i].report)
                all[i].snapshotLeftIncomplete = true
            }
            var status = all[chosen]
            let others = all.indices.filter { i in
                // A night refused as busy never ran: nothing of it is unfinished, but for its snapshot. A report
                // that cannot be read (made another user's by a `sudo` resume, its first line damaged) may be a
                // night whose files were never uploaded: listed, it was left out, and the batch went green
                // (review of 486a92e).
                let report = all[i]
                let unfinished =
                    report.state == .unreadable
                    || report.problem != nil && !report.finishedWithExceptions && !report.onlyRefusedAsBusy
                return i != chosen && (report.snapshotLeftIncomplete || report.state == .running || unfinished)
            }
            .map { all[$0] }
            if !others.isEmpty { status.otherUnfinished = others }
            // Made or last written in the future: either hides the nights after it.
            let madeLatest = Timestamp.iso8601(Date(timeIntervalSince1970: Double(latest) / 1e9))
            let writtenLate = Set(files.filter { $0.mtime > latest }.map(\.path))
            let madeLate = all.filter { ($0.createdAt ?? "") > madeLatest }.map(\.report)
            let future = files.map(\.path).filter { writtenLate.contains($0) || madeLate.contains($0) }
            if !future.isEmpty { status.futureReports = future }
            return status
        }
    }

    /// What `resume --batch` resumes: the reports of batch `name` that `status` says to resume (`next`:
    /// `ossbatch resume REPORT`), its own line's and its other unfinished ones, newest night first; and the report of it that a process runs now, if one does (then
    /// nothing is resumed). `nil` when the state directory has no batch `name` (a directory of its own, not a
    /// link). Reports of a batch's shards (`NAME.shard-K-of-N`, batches of their own) are not among them: each
    /// shard is resumed where it runs.
    /// `unreadable`: the batch's reports that cannot be read (`status` lists them `unreadable`): not resumed,
    /// but said, and `resume --batch` does not exit 0 beside them.
    package func reportsToResume(
        ofBatch name: String
    ) -> (running: BatchStatus?, reports: [BatchStatus], unreadable: [BatchStatus])? {
        guard !name.isEmpty, !name.hasPrefix("."), !name.contains("/"), Self.isDirectory(batch(name)) else {
            return nil
        }
        guard let status = statuses(of: [name]).first else { return (nil, [], []) }
        let all = [status] + (status.otherUnfinished ?? [])
        // By when each night was made, newest first: the batch's own line is its newest night that was not
        // refused as busy, and a newer night refused so (its whole snapshot missing) goes before it.
        let listed = all.indices.filter { all[$0].asksForResume }
            .sorted { a, b in
                let (x, y) = (all[a].createdAt ?? "", all[b].createdAt ?? "")
                return x != y ? x > y : a < b
            }
        return (all.first { $0.state == .running }, listed.map { all[$0] }, all.filter { $0.state == .unreadable })
    }

    /// How many of batch `name`'s reports, `besides` the one a run just wrote, are of nights whose dated
    /// snapshot stays incomplete (`SnapshotLeftIncomplete`, as `status` lists them; merged reports and
    /// unfinished ones, listed for another reason, aside): `--metrics-file`'s `ossbatch_incomplete_snapshots`.
    /// From the reports' headers alone (a run's own report, still locked by it, would pass for running).
    package func incompleteSnapshots(ofBatch name: String, besides report: String) -> Int {
        let overviews = reports(ofBatch: name).compactMap { path in (try? ReportOverview.read(path)).map { (path, $0) }
        }
        let nights = overviews.map { SnapshotLeftIncomplete.Night($0.1) }
        return overviews.count { path, overview in
            path != report && overview.unfinishedReason == nil && MergedReportRuns(overview.runs) == nil
                && SnapshotLeftIncomplete.reason(of: .init(overview), among: nights) != nil
        }
    }

    /// The batch whose directory holds the report at `path` (`STATE/BATCH/` or `STATE/BATCH/reports/`), if
    /// one does.
    package func batch(holdingReport path: String) -> String? {
        let dir = (path as NSString).deletingLastPathComponent
        let parent = (dir as NSString).deletingLastPathComponent
        let name: String
        if parent == self.path {
            name = (dir as NSString).lastPathComponent
        } else if (dir as NSString).lastPathComponent == "reports",
            (parent as NSString).deletingLastPathComponent == self.path
        {
            name = (parent as NSString).lastPathComponent
        } else {
            return nil
        }
        guard !name.hasPrefix("."), Self.isDirectory(batch(name)) else { return nil }
        return name
    }

    /// `path` with every symbolic link resolved, or itself when it cannot be (a dangling link).
    private static func resolved(_ path: String) -> String {
        guard let real = realpath(path, nil) else { return path }
        defer { free(real) }
        return String(cString: real)
    }

    /// Whether `path` is a directory itself, not a link to one.
    static func isDirectory(_ path: String) -> Bool {
        (try? FileStatus.lstat(path))?.kind == .directory
    }
}
