import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// An OSS-protocol server on 127.0.0.1 for tests, benchmarks and the quick start.
///
/// ```swift
/// let server = try LocalOSSServer(configuration: .init(dataDirectory: dir, buckets: ["b"]))
/// let port = try await server.start()
/// …
/// await server.stop()
/// ```
public final class LocalOSSServer: Sendable {
    public let configuration: LocalOSSConfiguration
    /// Fault rules applied to incoming requests.
    public let faults = FaultInjector()
    /// Request and connection counters.
    public let stats = ServerStats()
    /// Every handled request.
    public let log = OperationLog()
    /// STS credentials accepted until they expire (registered by tests' fake STS and metadata services).
    public let temporaryCredentials = TemporaryCredentialsRegistry()

    let store: ObjectStore
    let verifier: SignatureVerifier
    let callbacks: CallbackSender

    private struct State: Sendable {
        var serverChannel: Channel?
        var acceptTask: Task<Void, Never>?
        var connections: [ObjectIdentifier: Channel] = [:]
        var port = 0
    }
    private let state = NIOLockedValueBox(State())

    public init(configuration: LocalOSSConfiguration) throws {
        self.configuration = configuration
        store = try ObjectStore(
            root: configuration.dataDirectory,
            buckets: configuration.buckets,
            discard: configuration.discardBodies
        )
        verifier = SignatureVerifier(
            accessKeys: configuration.accessKeys,
            region: configuration.region,
            temporary: temporaryCredentials
        )
        callbacks = CallbackSender(timeout: configuration.callbackTimeout)
    }

    /// The bound port (0 before `start`).
    public var port: Int { state.withLockedValue { $0.port } }

    /// `http://127.0.0.1:<port>`, the endpoint clients use with path-style addressing.
    public var endpoint: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// Binds 127.0.0.1 and starts serving; returns the actual port.
    @discardableResult
    public func start() async throws -> Int {
        let stats = self.stats
        let registry = self.state
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            // Bigger reads mean fewer body chunks through the HTTP decoder and the async stream (GB/s benchmarks).
            .childChannelOption(
                .recvAllocator,
                value: AdaptiveRecvByteBufferAllocator(minimum: 4096, initial: 262_144, maximum: 1 << 20)
            )
            .bind(host: "127.0.0.1", port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    stats.connectionAccepted()
                    let id = ObjectIdentifier(channel)
                    registry.withLockedValue { $0.connections[id] = channel }
                    channel.closeFuture.whenComplete { _ in
                        _ = registry.withLockedValue { $0.connections.removeValue(forKey: id) }
                    }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                        wrappingChannelSynchronously: channel
                    )
                }
            }
        let port = server.channel.localAddress?.port ?? 0
        // Child tasks inherit the executor preference: every connection is served off the cooperative pool.
        let task = Task<Void, Never>(executorPreference: ConnectionExecutor.shared) {
            _ = try? await server.executeThenClose { inbound in
                await withDiscardingTaskGroup { group in
                    do {
                        for try await connection in inbound {
                            group.addTask { await self.serve(connection) }
                        }
                    } catch {}
                    group.cancelAll()
                }
            }
        }
        state.withLockedValue {
            $0.serverChannel = server.channel
            $0.acceptTask = task
            $0.port = port
        }
        return port
    }

    /// Stops accepting, closes every connection and waits for the handlers to end.
    public func stop() async {
        let (server, task, connections) = state.withLockedValue { s in
            (s.serverChannel, s.acceptTask, Array(s.connections.values))
        }
        try? await server?.close()
        for c in connections { try? await c.close() }
        task?.cancel()
        await task?.value
    }
}
