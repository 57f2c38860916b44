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
    /// How many requests had arrived before this one: entries are appended when a request is answered, which a
    /// delay fault (or a busy machine) can put long after it arrived; a test that asks what a client sent in a
    /// window of time compares this with `OperationLog.arrived` taken at the window's start.
    public var arrival: Int
}

/// The requests a server handled, in completion order.
public final class OperationLog: Sendable {
    private let entries = NIOLockedValueBox<[OperationLogEntry]>([])
    private let arrivals = NIOLockedValueBox(0)
    public init() {}
    public var all: [OperationLogEntry] { entries.withLockedValue { $0 } }
    /// How many requests have arrived so far (answered or not): the `arrival` the next one will have.
    public var arrived: Int { arrivals.withLockedValue { $0 } }
    public func removeAll() { entries.withLockedValue { $0.removeAll() } }
    func append(_ entry: OperationLogEntry) { entries.withLockedValue { $0.append(entry) } }
    /// Numbers a request as it arrives.
    func arrive() -> Int {
        arrivals.withLockedValue { count in
            count += 1
            return count - 1
        }
    }
}
