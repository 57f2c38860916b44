import Logging

/// One line on stderr: a log message, or one of the command's own lines (the start banner, progress, an
/// error). As JSON it is `{"ts","level","event","message",…fields}`; as text, `text` or `LEVEL: message`.
struct LogRecord: Sendable {
    var level: Logger.Level
    /// What happened, in snake_case (`job_finished`, `progress`, …; docs/formats.md § Log lines).
    var event: String
    /// The line for people, the same in both formats.
    var message: String
    /// The structured fields (JSON only: the text line says the same in words).
    var fields: [String: LogValue] = [:]
    /// The text line when it is not `LEVEL: message` (the banner, progress, manifest diagnostics).
    var text: String? = nil
    /// Lines of text output after the first (advice). A newline inside `text`, `message` or one of these is
    /// shown escaped (`TerminalText`): it came from a name, and must not start a line of its own.
    var followingLines: [String] = []
    /// Whether text output puts a timestamp first when stderr is not a terminal. Not on lines that tools
    /// parse by their start (`FILE:LINE:COLUMN: error: …`).
    var timestamped = true
}
