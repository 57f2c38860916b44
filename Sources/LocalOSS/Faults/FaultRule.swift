import OSSProtocol

/// What a fault rule does to a request it matches.
public enum FaultAction: Sendable, Codable, Hashable {
    /// Answer with this HTTP status and OSS error code instead of running the operation.
    case fail(status: Int, code: OSSErrorCode)
    /// Answer with this HTTP status and body (an XML document, sent as it is) instead of running the operation:
    /// a server that says what no real one would (a listing whose next page never moves).
    case respond(status: Int, body: String)
    /// Close the connection abruptly (TCP reset) once this many request-body bytes have arrived.
    case resetAfterBodyBytes(Int)
    /// Wait this long before responding.
    case delay(milliseconds: Int)
    /// Run the operation, then wait until the test opens `gate` (`FaultInjector.open(gate:)`; at most
    /// 10 minutes) before responding: the test acts while the request is surely in flight, however slowly
    /// a loaded machine schedules it.
    case hold(gate: String)
    /// Run the operation, then close the connection instead of answering: the client never learns that it
    /// succeeded (a lost response; e.g. a Complete whose retry then meets `NoSuchUpload`).
    case dropResponse
    /// Run the operation but send a wrong `x-oss-hash-crc64ecma`.
    case wrongCRC
    /// Run the operation but send a wrong `ETag`.
    case wrongETag
    /// Run the operation but send no `x-oss-hash-crc64ecma`: as real OSS may for a copy (CopyObject,
    /// UploadPartCopy, and a Complete of part copies: its documentation says such objects may have none).
    case noCRC
}

/// Matches requests by operation (and optionally a key substring) and applies an action to some of them:
/// the first `skip` matches pass untouched, the next `count` get the action (`count` nil: all further ones).
/// With `passPerSecond`, a rate limit: in each second the first `passPerSecond` matches (after `skip`) pass
/// untouched and only those beyond get the action (a service throttling requests over its QPS limit).
public struct FaultRule: Sendable, Codable, Hashable {
    public var operation: OSSOperation?
    public var keyContains: String?
    public var skip: Int
    public var count: Int?
    public var passPerSecond: Int?
    public var action: FaultAction

    public init(
        operation: OSSOperation? = nil,
        keyContains: String? = nil,
        skip: Int = 0,
        count: Int? = 1,
        passPerSecond: Int? = nil,
        action: FaultAction
    ) {
        self.operation = operation
        self.keyContains = keyContains
        self.skip = skip
        self.count = count
        self.passPerSecond = passPerSecond
        self.action = action
    }

    /// Fails only the `n`-th matching request (1-based).
    public static func failNth(
        _ n: Int,
        _ operation: OSSOperation? = nil,
        keyContains: String? = nil,
        status: Int,
        code: OSSErrorCode
    ) -> FaultRule {
        FaultRule(
            operation: operation,
            keyContains: keyContains,
            skip: n - 1,
            count: 1,
            action: .fail(status: status, code: code)
        )
    }

    /// `keyContains` is matched as bytes, as keys are: `String.contains` takes a decomposed "é" for a
    /// composed one and finds no `\r` in a `\r\n` (one character to Swift).
    func matches(_ op: OSSOperation, key: String) -> Bool {
        (operation == nil || operation == op)
            && (keyContains.map { Array(key.utf8).firstRange(of: Array($0.utf8)) != nil } ?? true)
    }
}

extension FaultRule {
    private enum CodingKeys: String, CodingKey { case operation, keyContains, skip, count, passPerSecond, action }

    /// Any field of a rule, to name one it does not have.
    private struct AnyField: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// JSON defaults match the Swift initialiser: `skip` 0 and `count` 1 when absent; `"count": null` means
    /// every further match.
    public init(from decoder: any Decoder) throws {
        // A misspelt field (`key` for `keyContains`) read as absent made a rule match every request.
        let unknown = try decoder.container(keyedBy: AnyField.self).allKeys.map(\.stringValue).filter {
            CodingKeys(stringValue: $0) == nil
        }
        if let field = unknown.first {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription:
                        "unknown field: \(field) (a rule has operation, keyContains, skip, count, passPerSecond, action)"
                )
            )
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        operation = try c.decodeIfPresent(OSSOperation.self, forKey: .operation)
        keyContains = try c.decodeIfPresent(String.self, forKey: .keyContains)
        skip = try c.decodeIfPresent(Int.self, forKey: .skip) ?? 0
        count = c.contains(.count) ? try c.decodeIfPresent(Int.self, forKey: .count) : 1
        passPerSecond = try c.decodeIfPresent(Int.self, forKey: .passPerSecond)
        action = try c.decode(FaultAction.self, forKey: .action)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(operation, forKey: .operation)
        try c.encodeIfPresent(keyContains, forKey: .keyContains)
        try c.encode(skip, forKey: .skip)
        try c.encode(count, forKey: .count)  // null when unlimited, so a round trip keeps the meaning
        try c.encodeIfPresent(passPerSecond, forKey: .passPerSecond)
        try c.encode(action, forKey: .action)
    }
}
