import ArgumentParser
import Foundation
import LocalFiles
import OSSBatch

/// What the commands that read a manifest (`plan`, `run`) take besides it: `--endpoint`, `--bucket` and
/// `--region` replace the manifest's target values; `--set PATH=VALUE` replaces any value for one run.
struct TargetOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Use this endpoint instead of target.endpoint (e.g. http://127.0.0.1:9000).",
            valueName: "url"
        )
    )
    var endpoint: String?

    @Option(help: ArgumentHelp("Use this bucket instead of target.bucket.", valueName: "name"))
    var bucket: String?

    @Option(help: ArgumentHelp("Use this region instead of target.region.", valueName: "region"))
    var region: String?

    @Option(
        name: .customLong("set"),
        help: ArgumentHelp(
            "Replace a manifest value for this run (repeatable), e.g. upload.concurrency=4 or files[0].key_prefix=web/.",
            valueName: "path=value"
        ),
        completion: .list(ManifestSetting.documentedPaths.map { $0 + "=" })
    )
    var settings: [String] = []

    var overrides: TargetOverrides { TargetOverrides(endpoint: endpoint, bucket: bucket, region: region) }

    /// Plans `manifest` (`shard`'s part, when given) with these overrides, placeholders resolved now (or at
    /// `OSSBATCH_NOW`), and prints
    /// the plan's warnings (and notes, with `notes`) to `console`; an invalid manifest prints every diagnostic
    /// there and exits 2.
    func plan(
        _ manifest: String,
        shard: Shard? = nil,
        console: Console,
        notes: Bool = true,
        readingIndexOnly: Bool = false,
        onWalkStalled: @escaping @Sendable () -> Void = {}
    ) throws -> Plan {
        try plan(
            try load(manifest, console: console),
            placeholders: try placeholders(console: console),
            shard: shard,
            console: console,
            notes: notes,
            readingIndexOnly: readingIndexOnly,
            onWalkStalled: onWalkStalled
        )
    }

    /// Ends the process (exit 3) when the walk has not moved for `stallTimeout` seconds: a `stat` or a
    /// listing on a file system that stopped answering (a hung NFS mount) never returns, and each night's
    /// run would otherwise wait beside the last one's, for ever. Nothing was sent or written yet; `onStalled`
    /// (a run's metrics file) comes before the exit.
    private static func watchWalk(
        stallTimeout: Double,
        console: Console,
        onStalled: @escaping @Sendable () -> Void
    ) -> RunWatchdog {
        let watchdog = RunWatchdog(stallLimit: .seconds(stallTimeout)) { WalkProgress.count }
        watchdog.start(
            RunWatchdog.Actions(onStall: { quiet in
                console.error(
                    "plan_stalled",
                    "planning has not moved for \(DurationText.format(quiet.seconds)) (no directory listed, no file "
                        + "stat'ed)\(RunWatchdog.blockedCallsText()): a source on a file system that stopped "
                        + "answering (a hung NFS or FUSE mount) holds it; nothing was sent (upload.stall_timeout)",
                    ["quiet_ms": .number(quiet.milliseconds)]
                )
                onStalled()
                console.endProcess(afterOutput: ExitStatus.fatal.rawValue)
            })
        )
        return watchdog
    }

    /// What key placeholders stand for now (the moment from `OSSBATCH_NOW` when set); a value of it that is not
    /// a time prints its error and exits 2.
    func placeholders(console: Console) throws -> PlaceholderValues {
        do { return try PlaceholderValues.current() } catch { throw console.report(error) }
    }

    /// Loads `manifest` with `--set` applied; an invalid one prints every diagnostic and exits 2.
    func load(_ manifest: String, console: Console) throws -> Manifest {
        do {
            return try ManifestLoader.load(path: manifest, settings: try ManifestSetting.parse(settings))
        } catch {
            throw console.report(error)
        }
    }

    /// Plans a loaded manifest with its keys' placeholders standing for `placeholders`; see `plan(_:shard:…)`.
    /// Without `applyingIndex` the upload index is not read: `index prune` wants only the plan's keys, which
    /// taking the unchanged files out leaves as they are. `readingIndexOnly`: a dry run, which must leave the
    /// index as it found it (`Plan.skipUnchanged(readingOnly:)`).
    func plan(
        _ loaded: Manifest,
        placeholders: PlaceholderValues,
        shard: Shard? = nil,
        console: Console,
        notes: Bool = true,
        applyingIndex: Bool = true,
        readingIndexOnly: Bool = false,
        onWalkStalled: @escaping @Sendable () -> Void = {}
    ) throws -> Plan {
        var plan: Plan
        do {
            let watchdog = Self.watchWalk(
                stallTimeout: loaded.upload.stallTimeout,
                console: console,
                onStalled: onWalkStalled
            )
            defer { watchdog.ended() }
            plan = try Planner(overrides: overrides, placeholders: placeholders, shard: shard).plan(loaded)
        } catch {
            throw console.report(error)
        }
        // As many as the errors are: a tree of unreadable files must not flood the log.
        let shown = plan.warnings.filter { notes || $0.severity != .note }
        for warning in shown.prefix(ManifestError.printedLimit) {
            var fields: [String: LogValue] = ["file": .string(warning.file)]
            if let line = warning.line { fields["line"] = .number(line) }
            if let column = warning.column { fields["column"] = .number(column) }
            console.emit(
                LogRecord(
                    level: warning.severity == .note ? .info : .warning,
                    event: warning.severity == .note ? "manifest_note" : "manifest_warning",
                    message: warning.message,
                    fields: fields,
                    text: warning.description,
                    timestamped: false
                )
            )
        }
        let unshown = shown.count - ManifestError.printedLimit
        if unshown > 0 {
            console.emit(
                LogRecord(
                    level: .warning,
                    event: "manifest_warnings_unshown",
                    message: "… and \(unshown) more warnings (ossbatch plan --json lists every skipped file)",
                    fields: ["count": .number(unshown)],
                    timestamped: false
                )
            )
        }
        if applyingIndex {
            var indexWarnings: [String] = []
            plan.skipUnchanged(readingOnly: readingIndexOnly, warnings: &indexWarnings)
            for warning in indexWarnings { console.warning("index_unusable", warning) }
        }
        return plan
    }
}
