import Logging
import OSSKit

/// The structured fields of ossbatch's log events (docs/formats.md § Log lines): `event` names what happened,
/// the other fields say about what, numbers as numbers (`.stringConvertible` of an integer, which the JSON log
/// handler writes as a JSON number). Build them only inside a log call: swift-log evaluates a call's message
/// and metadata only when its level is enabled, so a debug event per job costs nothing at `info`.
extension Logger.Metadata {
    /// `event` plus `fields`.
    package static func event(_ name: String, _ fields: Logger.Metadata = [:]) -> Logger.Metadata {
        var metadata = fields
        metadata["event"] = .string(name)
        return metadata
    }

    /// A job's event: `key`, `source` and `bytes` (the source's size), plus `fields`.
    static func event(_ name: String, job: UploadJob, _ fields: Logger.Metadata = [:]) -> Logger.Metadata {
        event(name, ["key": .string(job.key), "source": .string(job.source), "bytes": .number(job.size)])
            .merging(fields) { _, new in new }
    }

    /// The fields of an error: `code`, `error` (its message), `http_status`, `request_id`, `ec`.
    static func error(_ error: JobError) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["code": .string(error.code), "error": .string(error.message)]
        if let status = error.httpStatus { metadata["http_status"] = .number(status) }
        if let id = error.requestID, !id.isEmpty { metadata["request_id"] = .string(id) }
        if let ec = error.ec { metadata["ec"] = .string(ec) }
        return metadata
    }

    /// What a job's outcome says: `status`, `attempts`, `retries`, `bytes_sent`, `duration_ms`,
    /// `parts_reused`, and the error's fields when it failed.
    static func outcome(_ outcome: JobOutcome, retries: Int) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "status": .string(outcome.status.rawValue),
            "attempts": .number(outcome.attempts),
            "retries": .number(retries),
            "bytes_sent": .number(outcome.bytesSent),
            "duration_ms": .number(outcome.durationMilliseconds),
        ]
        if let reused = outcome.partsReused { metadata["parts_reused"] = .number(reused) }
        if let error = outcome.error { metadata.merge(.error(error)) { _, new in new } }
        return metadata
    }

    /// A retried request: `operation`, `key`, `attempt` (the one that failed), `delay_ms` and the error's fields.
    static func retry(_ event: RetryEvent) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "operation": .string(event.operation),
            "attempt": .number(event.attempt),
            // The policy never waits more than an hour; a value that is not finite would trap the conversion.
            "delay_ms": .number(
                event.delay.isFinite ? Int64((Swift.min(Swift.max(event.delay, 0), 86400) * 1000).rounded()) : 0
            ),
        ]
        if let key = event.key { metadata["key"] = .string(key) }
        return Logger.Metadata.event("retry", metadata).merging(.error(JobError(event.error))) { old, _ in old }
    }
}

extension Logger.MetadataValue {
    /// An integer field, written as a JSON number by the JSON log handler.
    package static func number<N: BinaryInteger & Sendable>(_ value: N) -> Logger.MetadataValue {
        .stringConvertible(value)
    }
}

extension JobError {
    /// The error's fields and the upload it concerns.
    func logFields(uploadID: String) -> Logger.Metadata {
        Logger.Metadata.error(self).merging(["upload_id": .string(uploadID)]) { _, new in new }
    }
}

// A log call's `metadata:` is optional, and Swift looks an implicit member up in `Optional` itself, not in a
// constrained extension of the wrapped dictionary: these let call sites write `metadata: .event(…)`.
extension Optional where Wrapped == Logger.Metadata {
    package static func event(_ name: String, _ fields: Logger.Metadata = [:]) -> Logger.Metadata? {
        Logger.Metadata.event(name, fields)
    }

    static func event(_ name: String, job: UploadJob, _ fields: Logger.Metadata = [:]) -> Logger.Metadata? {
        Logger.Metadata.event(name, job: job, fields)
    }

    static func retry(_ event: RetryEvent) -> Logger.Metadata? { Logger.Metadata.retry(event) }
}
