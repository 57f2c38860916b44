import Foundation
import Logging
import OSSBatch

/// swift-log handler writing one line per message to stderr, as text (`LEVEL message key=value`) or as JSON
/// objects for log collectors. It only prints what callers log; nothing logs credentials.
struct StderrLogHandler: LogHandler {
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    let format: LogFormat
    let label: String
    /// Called before each line, so the progress line can be cleared first and redrawn after.
    let beforeWrite: @Sendable () -> Void

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let line: String
        switch format {
        case .text:
            let meta =
                merged.isEmpty
                ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            line = "\(event.level.label): \(event.message)\(meta)\n"
        case .json:
            var object: [String: String] = [
                "time": Timestamp.iso8601(), "level": "\(event.level)", "message": "\(event.message)",
                "logger": label,
            ]
            for (k, v) in merged { object[k] = "\(v)" }
            // Keys in byte order, as every JSON ossbatch writes (a dictionary of strings cannot fail to encode).
            line = String(decoding: (try? StreamingJSONEncoder().encode(object)) ?? [], as: UTF8.self) + "\n"
        }
        beforeWrite()
        FileHandle.standardError.write(Data(line.utf8))
    }
}

extension Logger.Level {
    var label: String {
        switch self {
        case .trace: return "trace"
        case .debug: return "debug"
        case .info: return "info"
        case .notice: return "notice"
        case .warning: return "warning"
        case .error: return "error"
        case .critical: return "critical"
        }
    }
}
