import NIOConcurrencyHelpers

/// Counters a test or benchmark reads from a running server.
public struct ServerStatsSnapshot: Sendable, Codable, Hashable {
    public var requestsTotal: Int
    public var requestsInFlight: Int
    /// The most requests in flight at once since start or the last `reset()`.
    public var maxRequestsInFlight: Int
    public var connectionsAccepted: Int
    /// Request-body bytes received.
    public var bytesReceived: UInt64
    /// Requests by operation name (`PutObject`, `CopyObject`, …; admin requests are not counted), so a test
    /// can assert that a run sent none of a kind, or none at all.
    public var requestsByOperation: [String: Int] = [:]

    /// Requests of `operation` since start or the last `reset()`.
    public func requests(_ operation: OSSOperation) -> Int { requestsByOperation[operation.rawValue] ?? 0 }
}

/// Thread-safe request and connection counters.
public final class ServerStats: Sendable {
    private let box = NIOLockedValueBox(
        ServerStatsSnapshot(
            requestsTotal: 0,
            requestsInFlight: 0,
            maxRequestsInFlight: 0,
            connectionsAccepted: 0,
            bytesReceived: 0
        )
    )
    public init() {}

    public var snapshot: ServerStatsSnapshot { box.withLockedValue { $0 } }

    /// Zeroes the totals and the maximum (the in-flight count stays true).
    public func reset() {
        box.withLockedValue {
            $0.requestsTotal = 0
            $0.maxRequestsInFlight = $0.requestsInFlight
            $0.connectionsAccepted = 0
            $0.bytesReceived = 0
            $0.requestsByOperation = [:]
        }
    }

    func requestStarted() {
        box.withLockedValue {
            $0.requestsTotal += 1
            $0.requestsInFlight += 1
            $0.maxRequestsInFlight = max($0.maxRequestsInFlight, $0.requestsInFlight)
        }
    }

    func counted(_ operation: OSSOperation) {
        box.withLockedValue { $0.requestsByOperation[operation.rawValue, default: 0] += 1 }
    }

    func requestFinished() { box.withLockedValue { $0.requestsInFlight -= 1 } }
    func connectionAccepted() { box.withLockedValue { $0.connectionsAccepted += 1 } }
    func received(_ bytes: Int) { box.withLockedValue { $0.bytesReceived += UInt64(bytes) } }
}
