import ArgumentParser
import Foundation
import OSSBatch

/// `ossbatch status [BATCH|REPORT]`: how each batch in the state directory stands, without sending a request.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show how each batch in the state directory stands: last run, status, totals, what to do next.",
        discussion: """
            One line per batch (its newest report; the state directory is $OSSBATCH_STATE_DIR, else \
            $XDG_STATE_HOME/ossbatch, else ~/.local/state/ossbatch, /var/lib/ossbatch for root). Status: \
            running (a live process holds the report's lock), crashed (its last run never ended: killed), \
            interrupted, failed, fatal, succeeded, aborted, incomplete (a batch run as shards with a shard \
            missing or shards of different plans, or a merged report of shards not all done), or unreadable. \
            Older reports of a batch that are unfinished are listed under it. Sends nothing, takes no lock, \
            needs no credentials.

            Exit codes: 0 when every batch's newest report succeeded or is running (also when there are no \
            batches), 1 when one did not, another report of one is unfinished, or one was written in the \
            future by this machine's clock (the newest is then not known for sure), 2 for an unknown batch or an \
            unreadable report given by path.
            """
    )

    @Argument(
        help: ArgumentHelp(
            "A batch name (a directory in the state directory) or a report path. Default: every batch.",
            valueName: "batch-or-report"
        ),
        completion: .file(extensions: ["json"])
    )
    var batchOrReport: String?

    @Flag(help: "Print one JSON document (snake_case keys) on stdout instead of the table.")
    var json = false

    @Flag(
        help: ArgumentHelp(
            "Judge a batch run as shards by the shards with reports here only.",
            discussion: """
                For a machine that runs some shards of a batch with a state directory of its own (shard K on \
                machine K each night): the other shards' reports are on their machines, and without this flag \
                they count as missing here (the batch incomplete, exit 1, every night). A shard that should \
                have run here and never did is then not noticed: watch each machine.
                """
        )
    )
    var shardsHere = false

    func run() async throws {
        let console = Console()
        let state = StateDirectory.resolve()
        let batches: [BatchStatus]
        let reportPath = reportArgument(in: state)
        if reportPath == nil, let problem = state.unlistable() {
            console.error("state_directory_unreadable", problem)
            throw ExitCode(ExitStatus.invalidInput.rawValue)
        }
        if let reportPath {
            let status = BatchStatus.of(report: reportPath, batch: state.batch(holdingReport: reportPath))
            if status.state == .unreadable {
                console.error("report_unreadable", "\(reportPath): \(status.problem ?? "cannot be read")")
                throw ExitCode(ExitStatus.invalidInput.rawValue)
            }
            batches = [status]
        } else if let name = batchOrReport {
            batches = state.batchStatuses(only: name, shardsHere: shardsHere)
            guard !batches.isEmpty else {
                let known = state.batchNames().joined(separator: ", ")
                console.error(
                    "unknown_batch",
                    "no batch named '\(name)' with a report in \(state.path)"
                        + (known.isEmpty ? "" : " (batches: \(known))")
                )
                throw ExitCode(ExitStatus.invalidInput.rawValue)
            }
        } else {
            batches = state.batchStatuses(shardsHere: shardsHere)
        }
        let exit: ExitStatus = batches.contains { $0.needsAttention } ? .jobsFailed : .success
        if json {
            let document = StatusDocument(stateDirectory: state.path, batches: batches, exitCode: exit.rawValue)
            Console.write(Data(try StreamingJSONEncoder().encode(document) + [UInt8(ascii: "\n")]))
        } else if batches.isEmpty {
            Console.print("no batches in \(state.path)\n")
        } else {
            Console.print(StatusTable(batches).text)
        }
        throw ExitCode(exit.rawValue)
    }

    /// The argument as a report path: one with a `/` (a batch name never has one), or a file in the working
    /// directory when no batch has that name.
    private func reportArgument(in state: StateDirectory) -> String? {
        guard let argument = batchOrReport else { return nil }
        let isPath =
            argument.contains("/")
            || (!state.batchNames().contains(argument) && FileManager.default.fileExists(atPath: argument))
        return isPath ? PathResolver.absolute(argument, relativeTo: FileManager.default.currentDirectoryPath) : nil
    }
}

/// `ossbatch status --json`.
struct StatusDocument: Encodable {
    var stateDirectory: String
    var batches: [BatchStatus]
    var exitCode: Int32

    private enum CodingKeys: String, CodingKey {
        case stateDirectory = "state_directory"
        case batches
        case exitCode = "exit_code"
    }
}

extension StatusCommand: CommandWithExamples {
    static let examples = [
        (what: "Every batch in the state directory, one line each:", command: "ossbatch status"),
        (
            what: "One batch, for a monitor (exit 1 when its last run neither succeeded nor runs now):",
            command: "ossbatch status nightly-backup --json | jq -r '.batches[] | \"\\(.batch) \\(.status)\"'"
        ),
        (
            what: "A report kept outside the state directory:",
            command: "ossbatch status /var/log/ossbatch/nightly.json"
        ),
    ]
}
