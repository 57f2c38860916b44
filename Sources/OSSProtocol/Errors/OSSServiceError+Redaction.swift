extension OSSServiceError {
    /// The error with every occurrence of `secrets` (the request's AccessKey secret and STS token) in what the
    /// server said replaced by `[redacted]`. No real OSS answer repeats them, but an endpoint or proxy that
    /// echoes the request (its headers into `Message`, its token into a request id) would put them into every
    /// log line and report that shows the error.
    public func redacting(_ secrets: [String]) -> OSSServiceError {
        let secrets = secrets.filter { $0.count >= SecretRedaction.minimumLength }
        guard !secrets.isEmpty else { return self }
        var clean = self
        clean.code = OSSErrorCode(rawValue: SecretRedaction.redacting(code.rawValue, secrets))
        clean.message = SecretRedaction.redacting(message, secrets)
        clean.requestID = SecretRedaction.redacting(requestID, secrets)
        clean.hostID = hostID.map { SecretRedaction.redacting($0, secrets) }
        clean.ec = ec.map { SecretRedaction.redacting($0, secrets) }
        clean.details = details.mapValues { SecretRedaction.redacting($0, secrets) }
        return clean
    }
}
