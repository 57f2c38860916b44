import ArgumentParser
import OSSBatch

/// The report a command works on (`resume`, `abort`) and the endpoint override; an unusable report is exit 2.
struct ReportArguments: ParsableArguments {
    @Argument(
        help: ArgumentHelp("The report of an earlier run (also works after kill -9).", valueName: "report"),
        completion: .file(extensions: ["json"])
    )
    var report: String

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
                "--endpoint '\(endpoint)' is not an endpoint; expected a host name with an optional http:// or https:// scheme and port"
            )
        }
    }

    /// The report with its journal folded in, opened for writing the outcome of this run. An unusable report
    /// is said on `console` and exits 2.
    func open(console: Console) throws -> (ReportStore, Report) {
        let (store, report) = try orInvalidInput(console) { try ReportStore.open(self.report) }
        return (store, overridden(report))
    }

    /// The report with its journal folded in, read only.
    func load(console: Console) throws -> Report {
        overridden(try orInvalidInput(console) { try ReportStore.load(self.report) })
    }

    private func overridden(_ report: Report) -> Report {
        var report = report
        if let url = endpoint.flatMap(TargetOverrides.endpointURL) { report.target.endpoint = url }
        return report
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
