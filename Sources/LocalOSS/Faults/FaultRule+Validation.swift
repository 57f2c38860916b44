/// What a fault rule may say: the admin endpoint refuses anything else with 400 InvalidArgument, so a rule
/// can never make the server trap (a negative status) or put something on the wire that is not HTTP.
extension FaultRule {
    /// Statuses an injected failure may answer with: the error statuses OSS sends (4xx, 5xx).
    public static let failureStatusRange = 400...599
    /// Statuses an injected answer may have, and its longest body.
    public static let respondStatusRange = 200...599
    public static let maximumRespondBody = 1 << 20
    /// Longest injected delay: ten minutes, beyond any client's timeout worth testing.
    public static let delayRange = 0...600_000
    /// OSS error codes are short CamelCase words (`ServiceUnavailable`); they go into XML and `x-oss-ec`-style
    /// headers as they are.
    public static let maximumCodeLength = 64

    /// Why this rule is not one LocalOSS can apply, or `nil` when it is.
    public var problem: String? {
        if skip < 0 { return "skip must be 0 or more, not \(skip)" }
        if let count, count < 1 { return "count must be 1 or more (or null for every further match), not \(count)" }
        if let passPerSecond, passPerSecond < 0 { return "passPerSecond must be 0 or more, not \(passPerSecond)" }
        switch action {
        case .fail(let status, let code):
            if !Self.failureStatusRange.contains(status) {
                return "fail.status must be an error status between \(Self.failureStatusRange.lowerBound) and "
                    + "\(Self.failureStatusRange.upperBound), not \(status)"
            }
            let word = code.rawValue.utf8.allSatisfy {
                (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0)
            }
            if code.rawValue.isEmpty || code.rawValue.utf8.count > Self.maximumCodeLength || !word {
                return "fail.code must be 1 to \(Self.maximumCodeLength) ASCII letters and digits, like OSS's codes"
            }
        case .respond(let status, let body):
            if !Self.respondStatusRange.contains(status) {
                return "respond.status must be between \(Self.respondStatusRange.lowerBound) and "
                    + "\(Self.respondStatusRange.upperBound), not \(status)"
            }
            if body.utf8.count > Self.maximumRespondBody {
                return "respond.body must be at most \(Self.maximumRespondBody) bytes"
            }
        case .resetAfterBodyBytes(let bytes):
            if bytes < 0 { return "resetAfterBodyBytes must be 0 or more, not \(bytes)" }
        case .delay(let milliseconds):
            if !Self.delayRange.contains(milliseconds) {
                return "delay.milliseconds must be between \(Self.delayRange.lowerBound) and "
                    + "\(Self.delayRange.upperBound), not \(milliseconds)"
            }
        case .hold(let gate):
            if gate.isEmpty || gate.utf8.count > Self.maximumCodeLength {
                return "hold.gate must be 1 to \(Self.maximumCodeLength) bytes"
            }
        case .dropResponse, .wrongCRC, .wrongETag, .noCRC:
            break
        }
        return nil
    }
}
