import NIOConcurrencyHelpers

/// One handled request, as tests inspect them.
public struct OperationLogEntry: Sendable, Codable, Hashable {
    public var operation: OSSOperation
    public var bucket: String?
    public var key: String?
    public var partNumber: Int?
    public var uploadID: String?
    /// HTTP status sent (0 when the connection was reset by a fault).
    public var status: Int
    /// Error code sent, if any.
    public var errorCode: String?
    /// Request-body bytes received.
    public var bytes: UInt64
    public var requestID: String
}

/// The requests a server handled, in completion order.
public final class OperationLog: Sendable {
    private let entries = NIOLockedValueBox<[OperationLogEntry]>([])
    public init() {}
    public var all: [OperationLogEntry] { entries.withLockedValue { $0 } }
    public func removeAll() { entries.withLockedValue { $0.removeAll() } }
    func append(_ entry: OperationLogEntry) { entries.withLockedValue { $0.append(entry) } }
}
