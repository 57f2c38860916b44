import ArgumentParser
import Foundation
import OSSBatch
import OSSProtocol

/// The report a command works on (`abort`), and the endpoint override; an unusable report is exit 2.
struct ReportArguments: ParsableArguments {
    @Argument(
        help: ArgumentHelp("The report of an earlier run (also works after kill -9).", valueName: "report"),
        completion: .file(extensions: ["json"])
    )
    var report: String

    @OptionGroup var endpoint: EndpointOverride

    /// The report, to lock and open.
    var target: ReportTarget { ReportTarget(report, endpoint: endpoint) }
}

/// `--endpoint URL` of `resume` and `abort`: send to another endpoint than the report's.
struct EndpointOverride: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Send to this endpoint instead of the report's (e.g. a new LocalOSS port).",
            valueName: "url"
        )
    )
    var endpoint: String?

    mutating func validate() throws {
        if let endpoint, TargetOverrides.endpointURL(endpoint) == nil {
            throw ValidationError(
                "--endpoint '\(SecretRedaction.hidingUserInfo(endpoint))' is not an endpoint; expected a host name with an optional http:// or https:// scheme and port"
            )
        }
    }

    /// `report` with the endpoint replaced, when one was given.
    func applied(to report: Report) -> Report {
        var report = report
        if let url = endpoint.flatMap(TargetOverrides.endpointURL) { report.target.endpoint = url }
        return report
    }
}

/// A report a command works on, as given (`report`) and as an absolute path (`path`).
struct ReportTarget {
    /// As given on the command line (or listed by `status`).
    let report: String
    let endpoint: EndpointOverride

    init(_ report: String, endpoint: EndpointOverride) {
        self.report = report
        self.endpoint = endpoint
    }

    /// The report's absolute path (`~` is `$HOME`).
    var path: String { PathResolver.absolute(report, relativeTo: FileManager.default.currentDirectoryPath) }

    /// Takes the report's lock for `command` (exit 4 when another process holds it), once the path is known to
    /// hold a regular file: `resume /dev/zero` is refused at once (exit 2) and leaves no lock file behind.
    func lock(command: String, console: Console) throws -> StateLock {
        try orInvalidInput(console) { try ReportStore.requireFile(path) }
        return try StateLocking.lockReport(path, command: command, manifest: nil, console: console)
    }

    /// The report with its journal folded in, opened for writing the outcome of this run (call with the
    /// report's lock held). An unusable report is said on `console` and exits 2; journal lines that were
    /// ignored are warnings.
    func open(console: Console) throws -> (ReportStore, Report) {
        var warnings: [String] = []
        let (store, report) = try orInvalidInput(console) { try ReportStore.open(path, warnings: &warnings) }
        for warning in warnings { console.warning("journal_line_ignored", warning, ["report": .string(path)]) }
        // A merge is a snapshot of the shards' reports, run by none: resumed, it took the whole batch's lock,
        // not a shard's, ran beside a shard's own resume of the same keys, and its sweep took a shard's open
        // upload for a stray; aborted, the same (review of ca63f16).
        if report.isMerge {
            console.error(
                "report_is_merge",
                "\(path) was written by 'ossbatch report merge': it is not run. Resume (or abort) each shard's own "
                    + "report where that shard ran, then merge them again",
                ["report": .string(path)]
            )
            throw ExitCode(ExitStatus.invalidInput.rawValue)
        }
        return (store, endpoint.applied(to: report))
    }

    private func orInvalidInput<T>(_ console: Console, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            console.error("report_unusable", "\(error)", ["report": .string(report)])
            throw ExitCode(ExitStatus.invalidInput.rawValue)
        }
    }
}
