import Logging

/// swift-log handler that hands each message to the `Console` as one record: its `event` metadata names the
/// record, the other metadata become its fields. It only prints what callers log; nothing logs credentials.
/// (swift-log evaluates a message and its metadata only when `logLevel` lets it through.)
struct StderrLogHandler: LogHandler {
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    let console: Console

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        var name = "log"
        if case .string(let given)? = merged.removeValue(forKey: "event") { name = given }
        console.emit(
            LogRecord(
                level: event.level,
                event: name,
                message: "\(event.message)",
                fields: merged.mapValues(LogValue.init)
            )
        )
    }
}
