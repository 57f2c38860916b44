import Digests
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A real HTTP/1.1 server on 127.0.0.1 for the transport tests. Paths choose a behaviour:
/// - `/hang`: reads the request and never answers;
/// - `/close`: closes the connection as soon as the request head (or the first body bytes) arrive;
/// - `/drop-reused`: on a connection that already served a request, reads the whole request and closes
///   without answering (what a keep-alive connection dying under a request looks like to curl);
/// - `/endless`: answers 200 with a chunked body that never ends (64 KiB at a time, until the client goes);
/// - anything else: answers 200 (or `?status=N`) describing what it received in `x-*` headers:
///   `x-method`, `x-body-length`, `x-body-crc64` (decimal), `x-body-md5` (hex), `x-content-length`,
///   `x-expect`, `x-content-type` (`none` when absent), every `x-test-*` header echoed, and a body of
///   `hello` for GET or the request body itself (up to 1 MiB) otherwise.
final class TestServer: Sendable {
    let port: Int
    /// Connections accepted since start.
    var connections: Int { counters.connections.load(ordering: .relaxed) }
    /// Request heads received since start.
    var requests: Int { counters.requests.load(ordering: .relaxed) }

    private let channel: any Channel
    private let counters: Counters

    final class Counters: Sendable {
        let connections = Atomic<Int>(0)
        let requests = Atomic<Int>(0)
    }

    private init(channel: any Channel, counters: Counters) {
        self.channel = channel
        self.counters = counters
        port = channel.localAddress?.port ?? 0
    }

    static func start() async throws -> TestServer {
        // The process-wide group: no per-test thread to start and shut down.
        let counters = Counters()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                counters.connections.add(1, ordering: .relaxed)
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(EchoHandler(counters: counters))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return TestServer(channel: channel, counters: counters)
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Stops listening (connections still open close when their client closes them).
    func stop() async {
        try? await channel.close()
    }
}

private final class EchoHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let counters: TestServer.Counters
    private var head: HTTPRequestHead?
    private var length = 0
    private var crc = CRC64()
    private var md5 = MD5()
    private var echo: [UInt8] = []
    /// Requests completed on this connection.
    private var served = 0

    init(counters: TestServer.Counters) { self.counters = counters }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            counters.requests.add(1, ordering: .relaxed)
            head = request
            length = 0
            crc = CRC64()
            md5 = MD5()
            echo = []
            if path(of: request) == "/close" { context.close(promise: nil) }
        case .body(let buffer):
            guard let request = head else { return }
            if path(of: request) == "/close" {
                context.close(promise: nil)
                return
            }
            buffer.withUnsafeReadableBytes { bytes in
                crc.update(bytes)
                md5.update(bytes)
                if echo.count < 1 << 20 { echo.append(contentsOf: bytes.prefix((1 << 20) - echo.count)) }
            }
            length += buffer.readableBytes
        case .end:
            guard let request = head else { return }
            head = nil
            if path(of: request) == "/hang" { return }
            if path(of: request) == "/endless" {
                let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: ["transfer-encoding": "chunked"])
                context.writeAndFlush(wrapOutboundOut(.head(head)), promise: nil)
                streamForever(context: context)
                return
            }
            if path(of: request) == "/drop-reused" && served > 0 {
                context.close(promise: nil)
                return
            }
            served += 1
            respond(to: request, context: context)
        }
    }

    /// Writes 64 KiB of body, and again once it is written, until the connection closes.
    private func streamForever(context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        let chunk = context.channel.allocator.buffer(repeating: 0x61, count: 64 << 10)
        // Called back on the channel's event loop, where the handler and its context live.
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(chunk)))).whenSuccess {
            loopBound.value.0.streamForever(context: loopBound.value.1)
        }
    }

    private func path(of request: HTTPRequestHead) -> String {
        String(request.uri.split(separator: "?", maxSplits: 1).first ?? "")
    }

    private func respond(to request: HTTPRequestHead, context: ChannelHandlerContext) {
        var status = 200
        if let query = request.uri.split(separator: "?", maxSplits: 1).dropFirst().first,
            query.hasPrefix("status="), let code = Int(query.dropFirst(7))
        {
            status = code
        }
        let body: [UInt8] = request.method == .GET || request.method == .HEAD ? Array("hello".utf8) : echo
        var headers = HTTPHeaders()
        headers.add(name: "x-method", value: request.method.rawValue)
        headers.add(name: "x-body-length", value: String(length))
        headers.add(name: "x-body-crc64", value: String(crc.value))
        headers.add(name: "x-body-md5", value: md5.finalize().hexString)
        headers.add(name: "x-content-length", value: request.headers.first(name: "content-length") ?? "none")
        headers.add(name: "x-expect", value: request.headers.first(name: "expect") ?? "none")
        headers.add(name: "x-content-type", value: request.headers.first(name: "content-type") ?? "none")
        for (name, value) in request.headers where name.lowercased().hasPrefix("x-test-") {
            headers.add(name: name, value: value)
        }
        headers.add(name: "content-length", value: String(body.count))
        let responseHead = HTTPResponseHead(
            version: .http1_1,
            status: HTTPResponseStatus(statusCode: status),
            headers: headers
        )
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        if request.method != .HEAD {
            context.write(
                wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))),
                promise: nil
            )
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
