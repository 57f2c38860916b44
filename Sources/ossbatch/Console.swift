import ArgumentParser
import Foundation
import LocalFiles
import Logging
import OSSBatch
import Synchronization

/// Where ossbatch's output goes. Results go to stdout (`print`, `write`). Everything else — log records, the
/// start banner, progress, errors — goes to stderr through `emit`, one line (or one JSON object) at a time, so
/// that with `--log-format json` every stderr line parses as JSON; as text, each line starts with a
/// timestamp when stderr is not a terminal (cron mail, a log file). A write that fails (a full disk, a reader
/// gone) does not stop the command: see `StandardStreamWriter`, and `exitStatus(afterOutput:)` for stdout.
final class Console: Sendable {
    let format: OutputFormat
    /// Whether stderr is a terminal: text progress is then one live line redrawn in place.
    let terminal: Bool
    /// Whether the live progress line is on the screen (and must be erased before another line).
    private let liveLine = Mutex(false)

    init(format: OutputFormat = .text, terminal: Bool = isatty(STDERR_FILENO) == 1) {
        self.format = format
        self.terminal = terminal
    }

    // MARK: stdout

    static let standardOutput = StandardStreamWriter(STDOUT_FILENO)
    static let standardError = StandardStreamWriter(STDERR_FILENO)

    /// Text to stdout, control characters but the newline escaped (`TerminalText`): names in it may come from
    /// any local user or from the server.
    static func print(_ text: String) { write(Data(TerminalText.lines(text).utf8)) }

    /// Bytes to stdout as they are (a large document, a piece at a time).
    static func write(_ bytes: Data) { standardOutput.write(bytes) }

    /// The exit status of a command that would exit with `status`, once its output is written: when stdout
    /// could not take all of it, says so on stderr, and a command that would have exited 0 or 1 exits 3
    /// instead, as coreutils do, so that a script never takes a cut-off plan or listing for a whole one. What
    /// the command did stands: a batch that ran has its report on disk, which says how it ended.
    func exitStatus(afterOutput status: Int32) -> Int32 {
        guard let reason = Console.standardOutput.failureReason else { return status }
        let lost = status == ExitStatus.success.rawValue || status == ExitStatus.jobsFailed.rawValue
        let final = lost ? ExitStatus.fatal.rawValue : status
        error(
            "output_lost",
            "cannot write to standard output: \(reason); its output is incomplete"
                + (lost ? " (exit status \(status) becomes \(final))" : ""),
            ["reason": .string(reason), "exit_status": .number(Int(status))]
        )
        return final
    }

    // MARK: stderr

    /// Whether progress is shown as one live line (text on a terminal) rather than a line every interval.
    var showsLiveLine: Bool { format == .text && terminal }

    /// Writes one record to stderr, as text or as one JSON object.
    func emit(_ record: LogRecord) {
        let line: String
        switch format {
        case .text:
            let lines = ([record.text ?? "\(record.level.rawValue): \(record.message)"] + record.followingLines)
                .map(TerminalText.line)
            if terminal || !record.timestamped {
                line = lines.joined(separator: "\n") + "\n"
            } else {
                let stamp = Timestamp.iso8601() + " "
                line = lines.map { stamp + $0 }.joined(separator: "\n") + "\n"
            }
        case .json:
            var object = record.fields
            object["ts"] = .string(Timestamp.iso8601())
            object["level"] = .string(record.level.rawValue)
            object["event"] = .string(record.event)
            object["message"] = .string(record.message)
            // Keys in byte order, as in every JSON ossbatch writes; `LogValue` holds no value that cannot encode.
            line = String(decoding: (try? StreamingJSONEncoder().encode(object)) ?? [], as: UTF8.self) + "\n"
        }
        liveLine.withLock { shown in
            if shown {
                Console.standardError.write("\r\u{1B}[K".utf8)
                shown = false
            }
            Console.standardError.write(line.utf8)
        }
    }

    /// Draws the live progress line in place of the previous one (text on a terminal only).
    func showLive(_ text: String) {
        guard showsLiveLine else { return }
        liveLine.withLock { shown in
            Console.standardError.write("\r\u{1B}[K\(text)".utf8)
            shown = true
        }
    }

    /// Erases the live progress line, if it is shown.
    func clearLive() {
        liveLine.withLock { shown in
            if shown {
                Console.standardError.write("\r\u{1B}[K".utf8)
                shown = false
            }
        }
    }

    /// An error of the command itself (not of one job): `error: MESSAGE` as text.
    func error(_ event: String, _ message: String, _ fields: [String: LogValue] = [:]) {
        emit(LogRecord(level: .error, event: event, message: message, fields: fields))
    }

    func warning(_ event: String, _ message: String, _ fields: [String: LogValue] = [:]) {
        emit(LogRecord(level: .warning, event: event, message: message, fields: fields))
    }

    /// Prints the diagnostics (the first `ManifestError.printedLimit` of them, then how many more) and
    /// returns the exit code for invalid input. Command-line problems are counted apart from the manifest's.
    /// As text: `FILE:LINE:COLUMN: error: MESSAGE` lines; as JSON: one `manifest_error` record each.
    func report(_ error: ManifestError) -> ExitCode {
        let limit = ManifestError.printedLimit
        for diagnostic in error.diagnostics.prefix(limit) {
            var fields: [String: LogValue] = [:]
            if let flag = diagnostic.flag {
                fields["flag"] = .string("--" + flag)
            } else {
                fields["file"] = .string(diagnostic.file)
                if let line = diagnostic.line { fields["line"] = .number(line) }
                if let column = diagnostic.column { fields["column"] = .number(column) }
            }
            emit(
                LogRecord(
                    level: .error,
                    event: "manifest_error",
                    message: diagnostic.message,
                    fields: fields,
                    text: diagnostic.description,
                    timestamped: false
                )
            )
        }
        if error.diagnostics.count > limit {
            let more = error.diagnostics.count - limit
            let text = "… and \(more) more error\(more == 1 ? "" : "s") (the first \(limit) are shown)"
            emit(
                LogRecord(
                    level: .error,
                    event: "manifest_errors_omitted",
                    message: text,
                    fields: ["omitted": .number(more)],
                    text: text,
                    timestamped: false
                )
            )
        }
        let flags = error.diagnostics.filter { $0.flag != nil }.count
        let manifest = error.diagnostics.count - flags
        var counts: [String] = []
        if flags > 0 { counts.append("\(flags) error\(flags == 1 ? "" : "s") on the command line") }
        if manifest > 0 { counts.append("\(manifest) error\(manifest == 1 ? "" : "s") in the manifest") }
        let text = counts.joined(separator: " and ") + "; nothing was sent"
        emit(
            LogRecord(
                level: .error,
                event: "manifest_invalid",
                message: text,
                fields: ["command_line_errors": .number(flags), "manifest_errors": .number(manifest)],
                text: text,
                timestamped: false
            )
        )
        return ExitCode(ExitStatus.invalidInput.rawValue)
    }

    /// A logger whose records come here, at `level`.
    func logger(level: Logger.Level) -> Logger {
        Logger(label: "ossbatch") { _ in StderrLogHandler(logLevel: level, console: self) }
    }
}
