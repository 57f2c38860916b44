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
            if let problem = batch.problem { notes.append("\(batch.batch): \(problem) (\(batch.report))") }
            for older in batch.otherUnfinished ?? [] {
                var note = "\(batch.batch): another report is \(Self.status(older)): \(older.report)"
                if let next = older.next { note += "; next: \(next)" }
                notes.append(note)
            }
        }
        return TextTable.render(rows) + notes.map { $0 + "\n" }.joined()
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
