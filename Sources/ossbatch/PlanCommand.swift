import ArgumentParser
import OSSBatch

/// `ossbatch plan MANIFEST`: validates and expands a manifest, prints what would be uploaded, sends nothing.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Validate a manifest and show what would be uploaded, without sending anything.",
        discussion: """
            Prints the target, the totals (files, bytes, single puts, multipart jobs, parts) and what each \
            entry selected and passed over. \
            With --json, prints the whole plan, every job included, as JSON on stdout. \
            Problems are printed as FILE:LINE:COLUMN: error: MESSAGE on stderr, all at once \
            (the first 20, then how many more), warnings likewise. Exits 0 when the manifest is valid and 2 \
            when it is not.
            """
    )

    @Argument(
        help: "The manifest (YAML). Relative paths inside it are resolved against its directory.",
        completion: .file(extensions: ["yaml", "yml"])
    )
    var manifest: String

    @Flag(help: "Print the whole plan as JSON (ossbatch-plan/2, one job a line) instead of the summary.")
    var json = false

    @OptionGroup var target: TargetOptions
    @OptionGroup var sharding: ShardOptions

    func run() async throws {
        let console = Console()
        // A dry run: the upload index is read, never created, rebuilt or deleted.
        let plan = try target.plan(manifest, shard: try sharding.resolve(), console: console, readingIndexOnly: true)
        if plan.selectsNothing && !plan.allowEmpty {
            console.emit(
                LogRecord(
                    level: .warning,
                    event: "no_files",
                    message:
                        "the manifest selects no files; 'run' will fail unless the manifest says allow_empty: true",
                    timestamped: false
                )
            )
        }
        if json {
            try PlanDocument(plan).write { Console.write($0) }
        } else {
            Console.print(PlanSummary(plan).text)
        }
        KeptUntilExit.keep(plan)
    }
}

extension PlanCommand: CommandWithExamples {
    static let examples = [
        (what: "The target, the resolved keys and the totals:", command: "ossbatch plan /etc/ossbatch/nightly.yaml"),
        (
            what: "Every job as JSON, keys as they would be on 2 December 2026 at 03:00 UTC:",
            command: "OSSBATCH_NOW=2026-12-02T03:00:00Z ossbatch plan nightly.yaml --json"
        ),
        (
            what: "The same manifest against LocalOSS, with a one-off key prefix:",
            command: "ossbatch plan nightly.yaml --endpoint http://127.0.0.1:9000 --set 'files[0].key_prefix=test/'"
        ),
    ]
}
