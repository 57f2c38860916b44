import Foundation

/// The multipart uploads local batches hold, by upload id: what `ossbatch uploads --abort` must leave alone.
/// Found from the checkpoints in every batch's checkpoint directory in the state directory, the checkpoint
/// directories of the batches running now (their batch locks name their reports, which name their
/// checkpoint directories), and any directory the caller adds (a manifest's `checkpoint_dir`).
///
/// A checkpoint holds its upload while its report is running or unfinished. One whose report is gone or
/// finished holds nothing: its upload is a stray. A key whose lock another process holds is checked when
/// the upload is aborted (`KeyLocks`), which also covers an upload initiated but not yet checkpointed.
package struct UploadHolds: Sendable {
    package private(set) var byUploadID: [String: UploadHold] = [:]

    /// Scans `state` and `extraCheckpointDirectories`.
    package static func scan(state: StateDirectory, extraCheckpointDirectories: [String] = []) -> UploadHolds {
        scan(checkpointDirectories(state: state, extra: extraCheckpointDirectories))
    }

    /// Every batch's checkpoint directory in `state`, those of the batches running now, those of the unfinished
    /// reports in `state` (a manifest's own `checkpoint_dir`, `/reports/checkpoints` on a Kubernetes volume:
    /// without them a crashed batch held nothing unless its own manifest was given, and `--abort` took its
    /// upload; review of e4ab55a), and `extra`.
    package static func checkpointDirectories(state: StateDirectory, extra: [String] = []) -> [String] {
        let batches = state.batchNames()
        var directories = batches.map { state.checkpoints(batch: $0) }
        // From the reports' first lines (`ReportOverview`): loaded whole, a running report of a million jobs was
        // decoded for one field.
        directories += liveBatchReports(in: state).compactMap { (try? ReportOverview.read($0))?.checkpointDirectory }
        for batch in batches {
            for report in state.reports(ofBatch: batch) {
                guard let overview = try? ReportOverview.read(report), overview.unfinishedReason != nil else {
                    continue
                }
                directories.append(overview.checkpointDirectory)
            }
        }
        directories += extra
        // A shard's checkpoints are in `shard-K-of-N/` under its batch's directory (`Plan.sharded`).
        directories += directories.flatMap(shardDirectories(in:))
        var seen: Set<String> = []
        return directories.filter { seen.insert($0).inserted }
    }

    /// The `shard-K-of-N` subdirectories of `directory`.
    static func shardDirectories(in directory: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.sorted().filter { name in
            name.hasPrefix("shard-") && StateDirectory.isDirectory(directory + "/" + name)
        }.map { directory + "/" + $0 }
    }

    /// What the checkpoints in `directories` hold.
    package static func scan(_ directories: [String]) -> UploadHolds {
        var holds = UploadHolds()
        var reportStates: [String: UploadHold?] = [:]
        for directory in directories {
            let store = CheckpointStore(directory: directory)
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { continue }
            for name in names.sorted() where name.hasSuffix(".json") {
                let path = directory + "/" + name
                guard let owned = store.ownedUpload(path) else { continue }
                guard let report = owned.report else {
                    holds.byUploadID[owned.uploadID] = UploadHold(reason: .unownedCheckpoint, checkpoint: path)
                    continue
                }
                if reportStates[report] == nil { reportStates[report] = hold(byReport: report) }
                if var hold = reportStates[report] ?? nil {
                    hold.checkpoint = path
                    holds.byUploadID[owned.uploadID] = hold
                }
            }
        }
        return holds
    }

    /// How the batch of `report` holds its checkpoints' uploads: live, unfinished, or not at all.
    static func hold(byReport report: String) -> UploadHold? {
        if let holder = ReportLock.holder(of: report) {
            return UploadHold(reason: .liveBatch, report: report, holder: holder)
        }
        guard let overview = try? ReportOverview.read(report) else { return nil }
        return overview.unfinishedReason == nil ? nil : UploadHold(reason: .resumableBatch, report: report)
    }

    /// The reports of the batches whose batch lock is held now (`run` and `resume` in progress).
    static func liveBatchReports(in state: StateDirectory) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: state.locks) else { return [] }
        return names.filter { $0.hasPrefix("batch-") && $0.hasSuffix(".lock") }.sorted().compactMap {
            StateLock.holder(at: state.locks + "/" + $0)?.report
        }
    }
}
