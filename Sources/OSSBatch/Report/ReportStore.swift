import Foundation
import LocalFiles
import Synchronization

/// The report file and its journal on disk.
///
/// Lifecycle of one run: `create` (or `open` for resume) writes the report with the run marked `running`;
/// every job outcome is appended to `<path>.journal` as it happens (`record`); `write` replaces the report
/// atomically with the final state and starts the journal afresh. A run killed at any instant leaves a
/// report plus a journal from which `open` rebuilds the latest state.
package final class ReportStore: Sendable {
    package let path: String
    package var journalPath: String { path + ".journal" }
    private let journal: AppendLog
    /// The job lines of the report file last read or written, for `write` to copy those of jobs that did
    /// not change (`ReportLines`).
    private let lines: Mutex<ReportLines?>

    private init(path: String, journal: AppendLog, lines: ReportLines? = nil) {
        self.path = path
        self.journal = journal
        self.lines = Mutex(lines)
    }

    /// Prepares a new report at `path`: its directory and an empty journal. The report itself is written by
    /// the first `write` (the engine does so before its first request).
    package static func create(at path: String) throws(StateFileError) -> ReportStore {
        try prepareDirectory(for: path)
        let store = ReportStore(path: path, journal: try AppendLog(path: path + ".journal"))
        try store.restartJournal()
        return store
    }

    /// Creates the directory the report at `path` goes in, if it is missing (`run` does so before it takes the
    /// report's lock, whose file is beside the report), mode 0700 whatever the umask: it holds the batch's
    /// state files (0600 each), and under `umask 000` it was made writable by every user.
    package static func prepareDirectory(for path: String) throws(StateFileError) {
        let dir = (path as NSString).deletingLastPathComponent
        guard !dir.isEmpty, !FileManager.default.fileExists(atPath: dir) else { return }
        do { try StateFile.createPrivateDirectory(dir) } catch {
            throw StateFileError(path: error.path, operation: "create directory", reason: error.reason)
        }
    }

    /// Loads the report at `path` with its journal folded in, and opens it for writing (the journal is kept
    /// until the first `write`). `warnings` gets the journal lines that were ignored.
    package static func open(_ path: String, warnings: inout [String]) throws -> (ReportStore, Report) {
        let (report, lines) = try load(path, keepingLines: true, warnings: &warnings)
        return (ReportStore(path: path, journal: try AppendLog(path: path + ".journal"), lines: lines), report)
    }

    /// Throws unless `path` holds what could be a report (`ReportFile.requireFile`): a regular file, not a
    /// symbolic link, within the size bound. Nothing is read.
    package static func requireFile(_ path: String) throws(ReportLoadError) { try ReportFile.requireFile(path) }

    /// The report at `path` with its journal folded in, without opening it for writing. A report that is not
    /// one ossbatch could have written — damaged, edited into values that do not add up (`ReportValidation`),
    /// too large, not a regular file, a symbolic link — throws, naming the field and the job.
    package static func load(_ path: String) throws(ReportLoadError) -> Report {
        var ignored: [String] = []
        return try load(path, warnings: &ignored)
    }

    /// `load(_:)`, with the journal lines that were ignored (unknown jobs, impossible values) in `warnings`.
    package static func load(_ path: String, warnings: inout [String]) throws(ReportLoadError) -> Report {
        try load(path, keepingLines: false, warnings: &warnings).report
    }

    private static func load(
        _ path: String,
        keepingLines: Bool,
        warnings: inout [String]
    ) throws(ReportLoadError) -> (report: Report, lines: ReportLines?) {
        var (report, lines) = try ReportFile.read(path, keepingLines: keepingLines)
        warnings += try ReportJournal.apply(path + ".journal", to: &report)
        // With the journal's outcomes: after a kill, the checkpoints of failed jobs are named only there.
        do { try report.checkCheckpointNames() } catch {
            throw ReportLoadError(path: path, reason: error.description)
        }
        return (report, lines)
    }

    /// Appends one job's outcome to the journal. `spec` is given when the job ran against a source version
    /// other than the planned one (the file changed), so `resume` knows what was uploaded.
    package func record(_ outcome: JobOutcome, spec: UploadJob? = nil) throws(StateFileError) {
        let line: [UInt8]
        do {
            line = try ReportJournal.line(outcome, ran: spec)
        } catch {
            throw StateFileError(path: journalPath, operation: "encode an entry for", reason: "\(error)")
        }
        try journal.append(line: line)
    }

    /// Makes appended outcomes durable (coalesced by the caller: about once a second and at the end).
    package func syncJournal() throws(StateFileError) { try journal.sync() }

    /// Replaces the report atomically, then starts the journal afresh (the report now holds what it said).
    /// `keepingLines`: another write follows in this process, so the new file's lines are kept for it to copy
    /// from (`ReportLines`); a process's last write (most are) does not fingerprint them for nothing.
    package func write(_ report: Report, keepingLines: Bool = false) throws(StateFileError) {
        // Durable first, in case the report's write fails. A journal that cannot be synced does not stop it: the
        // report written holds every outcome the journal has (and Linux reports a write-back error once, so the
        // run that met it, stopping on it, must still be able to write its report).
        try? journal.sync()
        // Held while the file is replaced: the old file stays open (and readable) until the new one is.
        try lines.withLock { (lines: inout ReportLines?) throws(StateFileError) in
            lines = try ReportFile.write(report, to: path, reusing: lines, keepingLines: keepingLines)
        }
        try restartJournal()
    }

    /// Empties the journal and writes its first line, which names its format. That line is not synced on its
    /// own: a journal that lost it held no outcome (a journal without lines adds nothing to its report), and the
    /// first outcome's sync makes it durable with that outcome. Synced, it cost every write of a report an
    /// `fsync`, which waits for whatever else the file system's journal holds (3–14 ms behind the removal of a
    /// report of two nights ago, strace, 2026-12-06).
    private func restartJournal() throws(StateFileError) {
        try journal.truncate()
        do {
            try journal.append(line: try ReportJournal.firstLine(), needsSync: false)
        } catch let error as StateFileError {
            throw error
        } catch {
            throw StateFileError(path: journalPath, operation: "encode the first line of", reason: "\(error)")
        }
    }
}
