import Foundation
import LocalFiles

/// A report's header without its jobs: enough to tell whether its batch is finished, running or crashed,
/// read from the first line alone (a report of 100,000 jobs is not decoded for it).
package struct ReportOverview: Sendable {
    package var status: RunStatus
    package var planID: String
    package var manifest: String
    package var target: Target
    package var createdAt: String
    package var updatedAt: String
    package var totals: ReportTotals
    package var fatalError: JobError?
    package var runs: [RunRecord]
    /// A shard's report: which shard, and the partition it was cut from.
    package var shard: ShardInfo?
    /// How the placeholders in its keys were resolved (`nil`: no key has one, or an older report without it).
    package var keyResolution: KeyResolution?
    /// Why the batch is unfinished (`Report.unfinishedReason`), `nil` when it is finished.
    package var unfinishedReason: String?
    /// Where the batch keeps its multipart checkpoints (`upload.checkpoint_dir`).
    package var checkpointDirectory: String

    init(_ report: Report) {
        status = report.status
        planID = report.planID
        manifest = report.manifest
        target = report.target
        createdAt = report.createdAt
        updatedAt = report.updatedAt
        totals = report.totals
        fatalError = report.fatalError
        runs = report.runs
        shard = report.shard
        keyResolution = report.keyResolution
        unfinishedReason = report.unfinishedReason
        checkpointDirectory = report.upload.checkpointDir
    }

    /// Every run on the report was refused because another process held the batch (exit 4): it never ran.
    package var onlyRefusedAsBusy: Bool { !runs.isEmpty && runs.allSatisfy(\.wasRefusedAsBusy) }

    /// The overview of the report at `path`: from its first line when that is a format-2 header whose totals
    /// count open uploads (a report is rewritten whole whenever its status leaves `running`, so those totals
    /// hold what the journal added); otherwise from the whole report with its journal.
    package static func read(_ path: String) throws(ReportLoadError) -> ReportOverview {
        if let header = try? firstLineHeader(path), header.totals.openUploads != nil {
            let report = header.report(jobs: [])
            var overview = ReportOverview(report)
            overview.totals = header.totals
            overview.unfinishedReason = Report.unfinishedReason(
                status: header.status,
                openUploads: header.totals.openUploads ?? 0
            )
            return overview
        }
        return ReportOverview(try ReportStore.load(path))
    }

    private static func firstLineHeader(_ path: String) throws -> ReportHeader? {
        guard let file = try StateFile.openForReading(path, maximumSize: StateFileLimits.reportBytes) else {
            return nil
        }
        // A file cut short (its job lines truncated) is read whole, which says what is wrong with it: from its
        // first line alone it passed for a resumable report, which `resume` then refused (audit of 7f6ac3f).
        let tail = try file.read(
            upToCount: JobLines.longestClosing + 2,
            at: max(0, file.size - Int64(JobLines.longestClosing + 2))
        )
        guard tail.last == UInt8(ascii: "\n"), let start = tail.dropLast().lastIndex(of: UInt8(ascii: "\n")),
            JobLines.closingKind(of: tail[(start + 1)..<(tail.count - 1)]) != nil
        else { return nil }
        let reader = LineReader(file: file, maximumLineLength: StateFileLimits.reportLineBytes)
        guard let line = try reader.next(), line.suffix(JobLines.opening.count).elementsEqual(JobLines.opening) else {
            return nil
        }
        let data = Data(line + JobLines.closing)
        guard try JSONDecoder().decode(FormatTag.self, from: data).format == Report.currentFormat else { return nil }
        return try JSONDecoder().decode(ReportHeader.self, from: data)
    }
}
