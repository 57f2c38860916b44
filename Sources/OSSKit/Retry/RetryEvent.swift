/// One failed attempt that `OSSClient` is about to retry, for the engine's log. Holds no secrets.
public struct RetryEvent: Sendable, CustomStringConvertible {
    /// `PutObject`, `UploadPart`, …
    public var operation: String
    public var bucket: String
    public var key: String?
    /// The attempt that failed (1 = the first).
    public var attempt: Int
    public var error: OSSError
    /// Seconds the client waits before the next attempt.
    public var delay: Double

    public init(operation: String, bucket: String, key: String?, attempt: Int, error: OSSError, delay: Double) {
        self.operation = operation
        self.bucket = bucket
        self.key = key
        self.attempt = attempt
        self.error = error
        self.delay = delay
    }

    public var description: String {
        "\(operation) \(bucket)/\(key ?? "") attempt \(attempt) failed: \(error); retrying in \(String(format2: delay)) s"
    }
}

extension String {
    /// Two decimals without Foundation's locale-dependent formatting.
    init(format2 value: Double) {
        let hundredths = Int((value * 100).rounded())
        let frac = hundredths % 100
        self = "\(hundredths / 100).\(frac < 10 ? "0" : "")\(frac)"
    }
}
