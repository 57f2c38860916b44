import LocalFiles

/// Where `report merge -o` may write. Never over one of the reports it merges: the same file whatever the
/// path says (device and inode, so `./r.json`, a link and `dir/../r.json` are caught) — the shard's report
/// would be gone and its journal left beside a report that is not its own, and the shards could no longer be
/// merged. Never over an unfinished report either (running, interrupted, uploads open) or beside a journal,
/// as `run --report` refuses them, nor over another shard's report. A previous merge's output may be
/// replaced, unfinished or not: merging again after resuming the shards is how it is finished (the command
/// keeps what it replaces as `PATH.prev`, as `run --report` does).
package enum MergeOutput {
    /// Why the merged report must not be written to `out` (absolute), or `nil`. `inputs` are the reports merged.
    package static func problem(writing out: String, inputs: [String]) -> String? {
        let journal = out + ".journal"
        let status: FileStatus
        do { status = try FileStatus.lstat(out) } catch {
            guard error.doesNotExist else { return "\(out) cannot be examined (\(error.reason)); nothing was written" }
            guard (try? FileStatus.lstat(journal)) == nil else {
                return "\(journal) is there: a report's journal, whose report would be \(out); nothing was written. "
                    + "Give another -o, or move the journal away if it is no batch's"
            }
            return nil
        }
        if let target = try? FileStatus.stat(out) {
            for input in inputs {
                guard let merged = try? FileStatus.stat(input), merged.device == target.device,
                    merged.inode == target.inode
                else { continue }
                return "\(out) is \(input), one of the reports being merged: writing the merge over it would lose "
                    + "that shard's report (and leave its journal beside the merge); nothing was written. Give -o "
                    + "another path"
            }
        }
        guard status.kind == .regular else {
            return "\(out) is \(status.kind.description), not a report; ossbatch does not write through or over it: "
                + "give -o another path; nothing was written"
        }
        guard let overview = try? ReportOverview.read(out) else {
            return "\(out) holds no usable report; ossbatch does not overwrite it: move it away or give -o another "
                + "path; nothing was written"
        }
        if let shard = overview.shard {
            return "\(out) is the report of shard \(shard.shard) of a batch; a merge is not written over a shard's "
                + "report: give -o another path; nothing was written"
        }
        let isMerge = MergedReportRuns(overview.runs) != nil
        if (try? FileStatus.lstat(journal)) != nil || (!isMerge && overview.unfinishedReason != nil) {
            let reason = overview.unfinishedReason ?? "its journal (\(journal)) is beside it"
            // A merge written before runs named their shard cannot be told from a batch's own report.
            return "\(out) holds an unfinished batch: \(reason). Finish it with 'ossbatch resume \(out)' or give it "
                + "up with 'ossbatch abort \(out)', or give -o another path (if it is a merge an older ossbatch "
                + "wrote, delete it first); nothing was written"
        }
        return nil
    }
}
