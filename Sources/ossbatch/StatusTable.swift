import OSSBatch

/// `ossbatch status` as a table: one line per batch, then what needs saying about each one.
struct StatusTable {
    let batches: [BatchStatus]

    init(_ batches: [BatchStatus]) { self.batches = batches }

    var text: String {
        var rows = [["BATCH", "LAST RUN (UTC)", "STATUS", "FILES", "BYTES", "NEXT"]]
        var notes: [String] = []
        for batch in batches {
            rows.append(Self.row(batch))
            if let shards = batch.shards, let count = batch.shardCount {
                // One line a shard under its batch, named K/N; their notes name them so.
                if let problem = batch.problem { notes.append("\(batch.batch): \(problem)") }
                if let elsewhere = batch.shardsElsewhere {
                    notes.append(
                        "\(batch.batch): \(elsewhere) of its \(count) shards have no report here (--shards-here: "
                            + "judged on the machines that run them)"
                    )
                }
                for shard in shards {
                    let k = ShardedBatchStatus.parse(shard.batch).map { "\($0.index)/\(count)" } ?? shard.batch
                    var row = Self.row(shard)
                    row[0] = "  shard " + k
                    rows.append(row)
                    if let problem = shard.problem {
                        notes.append("\(batch.batch) shard \(k): \(problem) (\(shard.report))")
                    }
                    notes += Self.otherReports(of: shard, named: "\(batch.batch) shard \(k)")
                }
                continue
            }
            if let problem = batch.problem { notes.append("\(batch.batch): \(problem) (\(batch.report))") }
            notes += Self.otherReports(of: batch, named: batch.batch)
        }
        // One line each, whatever a path in them holds: a name with a line break forged a line of its own.
        return TextTable.render(rows) + notes.map { TerminalText.line($0) + "\n" }.joined()
    }

    /// A note for each other unfinished report of `batch`, and one for the reports written in the future.
    static func otherReports(of batch: BatchStatus, named name: String) -> [String] {
        var notes = (batch.otherUnfinished ?? []).map { older in
            var note = "\(name): another report is \(Self.status(older)): \(older.report)"
            if let next = older.next { note += "; next: \(next)" }
            if let problem = older.problem { note += " — \(problem)" }
            return note
        }
        if let future = batch.futureReports {
            notes.append(
                "\(name): \(future.count == 1 ? "a report was" : "\(future.count) reports were") last written in the "
                    + "future (this machine's clock was ahead then, or is behind now), so the newest report is not "
                    + "known for sure; set the clock right and read them: \(future.joined(separator: ", "))"
            )
        }
        return notes
    }

    static func row(_ batch: BatchStatus) -> [String] {
        var files = "-"
        var bytes = "-"
        if let t = batch.totals {
            files = "\(t.succeeded + t.skipped)/\(t.jobs) done"
            if t.failed > 0 { files += ", \(t.failed) failed" }
            bytes = "\(ByteSize.format(t.bytesDone)) of \(ByteSize.format(t.bytes))"
        }
        return [batch.batch, lastRun(batch), status(batch), files, bytes, batch.next ?? "-"]
    }

    /// `running (pid 12)`, `crashed (pid 12)`, `succeeded`.
    static func status(_ batch: BatchStatus) -> String {
        switch batch.state {
        case .running: return batch.holder.map { "running (pid \($0.pid))" } ?? "running"
        case .crashed: return batch.lastRun?.pid.map { "crashed (pid \($0))" } ?? "crashed"
        default: return batch.state.rawValue
        }
    }

    /// `2026-12-03T01:02:03Z run`: seconds are enough here.
    static func lastRun(_ batch: BatchStatus) -> String {
        guard var time = batch.lastRunAt else { return "-" }
        if let dot = time.firstIndex(of: "."), time.hasSuffix("Z") { time = String(time[..<dot]) + "Z" }
        return time + (batch.lastRun.map { " \($0.command)" } ?? "")
    }
}
