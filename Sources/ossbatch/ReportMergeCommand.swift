import ArgumentParser
import Foundation
import LocalFiles
import OSSBatch

/// `ossbatch report merge REPORT...`: the N shard reports of one batch as one report.
struct ReportMergeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the reports of every shard of a batch (run --shard K/N) into one report.",
        discussion: """
            Each report is read with its journal, so a shard killed mid-run still counts as far as it got. \
            The merged report has every job once, in key order, the shards' partition_id as plan_id, totals over all \
            shards; it is written to --out (atomically, mode 0600) or to stdout. A report that is not a \
            shard's, a shard of another manifest, plan or number of shards, a shard given twice or missing, and \
            a key in two shards are each named on stderr, and nothing is written; so is an --out that is one of \
            the reports merged (the same file, by device and inode), a shard's report, or an unfinished report \
            (a finished report there, such as a previous merge, is kept as PATH.prev). Exits 0 when every job \
            succeeded or was skipped, 1 when the merged batch has failed or unfinished jobs (resume their \
            shards and merge again), 2 when the reports cannot be merged.
            """
    )

    @Argument(
        help: ArgumentHelp("The shards' reports (the journals beside them are read too).", valueName: "report"),
        completion: .file(extensions: ["json"])
    )
    var reports: [String]

    @Option(
        name: [.customShort("o"), .customLong("out")],
        help: ArgumentHelp("Write the merged report here instead of to stdout.", valueName: "path"),
        completion: .file(extensions: ["json"])
    )
    var out: String?

    @Option(
        help: ArgumentHelp("text or json: json makes every stderr line one JSON object.", valueName: "format"),
        completion: .list(OutputFormat.allCases.map(\.rawValue))
    )
    var logFormat: String = "text"

    func validate() throws {
        if reports.isEmpty { throw ValidationError("name the reports of every shard") }
        guard OutputFormat(rawValue: logFormat) != nil else {
            throw ValidationError("--log-format must be text or json")
        }
    }

    func run() async throws {
        let console = Console(format: OutputFormat(rawValue: logFormat) ?? .text)
        var loaded: [(path: String, report: Report)] = []
        var unreadable = false
        for path in reports {
            do {
                loaded.append((path, try ReportStore.load(path)))
            } catch {
                let absolute = PathResolver.absolute(path, relativeTo: FileManager.default.currentDirectoryPath)
                console.error("report_unusable", "\(error)", ["report": .string(absolute)])
                unreadable = true
            }
        }
        if unreadable { throw ExitCode(ExitStatus.invalidInput.rawValue) }
        let merged: Report
        do {
            merged = try ShardMerge.merge(loaded)
        } catch {
            for problem in error.problems { console.error("merge_refused", problem) }
            throw ExitCode(ExitStatus.invalidInput.rawValue)
        }
        let outPath = out.map { PathResolver.absolute($0, relativeTo: FileManager.default.currentDirectoryPath) }
        if let outPath, let problem = MergeOutput.problem(writing: outPath, inputs: reports) {
            console.error("merge_output_refused", problem, ["path": .string(outPath)])
            throw ExitCode(ExitStatus.invalidInput.rawValue)
        }
        do {
            if let outPath {
                // A finished report there (an earlier merge, or a batch's own) is kept as PATH.prev, as
                // `run --report` keeps one: merging to a reused path must not lose last night's report.
                var olderReport = BackgroundRemoval.none
                // Waited for before the command exits: a removal cut off by the exit left the older report
                // under a temporary name, for a later write to clean up.
                defer { olderReport.wait() }
                if (try? FileStatus.lstat(outPath)) != nil { olderReport = try ReportReplacement.keepPrevious(outPath) }
                try ReportStore.writeReport(merged, to: outPath)
            } else {
                try ReportStore.encode(merged) { Console.write(Data($0)) }
            }
        } catch {
            console.error(
                "report_write_failed",
                "cannot write the merged report: \(error)",
                outPath.map { ["path": .string($0)] } ?? [:]
            )
            throw ExitCode(ExitStatus.fatal.rawValue)
        }
        let t = merged.totals
        // A shard still running when merged, or killed after its last job's journal line (its jobs all done,
        // its report `running`), is not a finished batch either: exit 0 there let `merge && archive` take the
        // night for done (review of ca63f16).
        let runs = MergedReportRuns(merged.runs)
        let unfinished = runs?.unfinishedReason
        if let unfinished { console.warning("merge_unfinished", "the merged batch is not finished: \(unfinished)") }
        // A shard whose last run exited 1 (a source skipped as unreadable) exits the merge 1 too, as the same
        // tree run unsharded would, and as `status` of the merged report does: exit 0 let `merge && archive`
        // take a night with a file not uploaded for done (review of 486a92e).
        let exitedOne = unfinished == nil ? runs?.exitedOneReason : nil
        if let exitedOne { console.warning("merge_exited_one", "the merged batch needs a look: \(exitedOne)") }
        let done = t.failed == 0 && t.pending == 0 && unfinished == nil && exitedOne == nil
        throw ExitCode(done ? ExitStatus.success.rawValue : ExitStatus.jobsFailed.rawValue)
    }
}

extension ReportMergeCommand: CommandWithExamples {
    static let examples = [
        (
            what: "Merge the reports of a batch run as 8 shards (run --shard K/8 --report /reports/nightly.json):",
            command: "ossbatch report merge /reports/nightly.shard-*-of-8.json -o /reports/nightly.json"
        ),
        (
            what: "Only the merged totals, nothing written (exit 1 while a shard has failed or unfinished jobs):",
            command: "ossbatch report merge /reports/nightly.shard-*-of-8.json | jq .totals"
        ),
    ]
}
