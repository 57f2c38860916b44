import ArgumentParser
import Foundation
import LocalFiles
import OSSBatch

/// `ossbatch index prune MANIFEST --older-than-days N`: removes the upload index entries a manifest's plan no
/// longer names (old nights' dated snapshots, deleted files) that were last confirmed more than N days ago
/// (`IndexPrune`).
struct IndexPruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Remove the upload index entries of old nights and deleted files under a manifest's key prefixes.",
        discussion: """
            Plans the manifest (reading the files, sending nothing), then removes from the index of its target \
            (endpoint and bucket) every entry whose key starts with an entry's fixed key prefix (the key_prefix \
            or key before its first {date} or {time}, other placeholders resolved as now: web01/ for \
            web01/{date}/, and on host web01 for {hostname}/{date}/), that the plan does not name, and \
            that was last confirmed more than --older-than-days days ago (before OSSBATCH_NOW when set; else \
            before now, or before the newest entry's confirmation when that is earlier). \
            Tonight's files keep their entries however old they are, and a night younger than that keeps its \
            own, which upload.unchanged: copy copies from. An entry without a fixed key prefix is left alone. \
            Safe while runs of the same bucket go on (an entry a run confirms meanwhile is kept). The file does \
            not shrink: SQLite reuses the freed pages for the next nights' entries. Exits 0, or 2 for an invalid \
            manifest or command line, 3 when the index cannot be read or written, 4 when another process \
            holds it (after a few seconds' wait).
            """
    )

    @Argument(
        help: "The manifest (YAML) whose entries' key prefixes are pruned.",
        completion: .file(extensions: ["yaml", "yml"])
    )
    var manifest: String

    @Option(
        name: .customLong("older-than-days"),
        help: ArgumentHelp(
            "Remove only entries last confirmed more than this many days ago (1 to 36500).",
            valueName: "days"
        )
    )
    var days: Int

    @Flag(help: "Say what would be removed, and remove nothing.")
    var dryRun = false

    @OptionGroup var target: TargetOptions

    func validate() throws {
        guard (1...36_500).contains(days) else { throw ValidationError("--older-than-days must be 1 to 36500") }
    }

    func run() async throws {
        let console = Console()
        // One moment for the plan's keys and for the prune's days.
        let loaded = try target.load(manifest, console: console)
        let placeholders = try target.placeholders(console: console)
        let plan = try target.plan(
            loaded,
            placeholders: placeholders,
            console: console,
            notes: false,
            applyingIndex: false
        )
        let path = UploadIndex.path(endpoint: plan.target.endpoint, bucket: plan.target.bucket)
        // Only "not there" is no index: another user's state directory (EACCES) said so too, and a cron'd prune
        // run as the wrong user never pruned, exit 0 (review of c56b4e6).
        do {
            _ = try FileStatus.lstat(path)
        } catch  where !error.doesNotExist {
            console.error("index_prune_failed", "cannot prune the upload index \(path): \(error)")
            throw ExitCode(ExitStatus.fatal.rawValue)
        } catch {
            Console.print(
                "no upload index for \(plan.target.endpoint), bucket \(plan.target.bucket) (\(path)): nothing to prune\n"
            )
            return
        }
        var warnings: [String] = []
        do {
            // A dry run reads only, as `plan` does: opened to write, a damaged or given-up index was rebuilt by
            // it, empty, under a run that had given it up (review of c56b4e6).
            let index =
                dryRun ? try UploadIndex.openForReading(at: path) : try UploadIndex.open(at: path, warnings: &warnings)
            for warning in warnings { console.warning("index_warning", warning) }
            let found = try IndexPrune.prune(
                index,
                manifest: loaded,
                plan: plan,
                days: days,
                placeholders: placeholders,
                dryRun: dryRun
            )
            for position in found.unprefixedEntries {
                console.warning(
                    "index_prune_unprefixed",
                    "files[\(position)] has no key prefix before its first {date} or {time}, so its keys could be anyone's: none of its entries is pruned",
                    ["entry": .number(position)]
                )
            }
            if !dryRun {
                try? index.recordLineage()
                index.checkpoint()
            }
            let before = Timestamp.iso8601(Date(timeIntervalSince1970: TimeInterval(found.cutoff)))
            let under = found.prefixes.map { "'\($0)'" }.joined(separator: ", ")
            Console.print(
                "upload index \(path): \(found.found) \(found.found == 1 ? "entry" : "entries") under "
                    + "\(under.isEmpty ? "no prefix" : under) last confirmed before \(before) that the plan does not name"
                    + (dryRun ? " would be removed (--dry-run)\n" : " removed\n")
            )
        } catch {
            console.error("index_prune_failed", "cannot prune the upload index \(path): \(error)")
            // Held by another process (a night's run writing it, someone's `sqlite3` shell): busy, as a batch
            // whose lock is held is, and prune is safe to run again (what it removed stays removed).
            throw ExitCode(UploadIndex.isBusy(error) ? ExitStatus.busy.rawValue : ExitStatus.fatal.rawValue)
        }
    }
}

extension IndexPruneCommand: CommandWithExamples {
    static let examples = [
        (
            what:
                "Keep 30 nights of a batch of dated snapshots (key_prefix: web01/{date}/), e.g. after each night's run:",
            command: "ossbatch index prune /etc/ossbatch/nightly.yaml --older-than-days 30"
        ),
        (
            what: "What that would remove, removing nothing:",
            command: "ossbatch index prune /etc/ossbatch/nightly.yaml --older-than-days 30 --dry-run"
        ),
    ]
}
