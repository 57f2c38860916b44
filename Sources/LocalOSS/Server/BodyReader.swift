import NIOCore
import NIOHTTP1

/// Thrown when a fault rule resets the connection mid-body.
struct InjectedReset: Error {}

/// Thrown when the client closed the connection before the end of its body.
struct IncompleteBodyError: Error {}

/// Hands out one request's body chunks from the connection's inbound stream, counting bytes and applying a
/// reset-after-K-bytes fault. Owned by the connection's task.
final class BodyReader {
    private var iterator: NIOAsyncChannelInboundStream<HTTPServerRequestPart>.AsyncIterator
    private let stats: ServerStats
    private let resetAfter: Int?
    private(set) var received = 0
    private(set) var finished = false

    init(
        iterator: NIOAsyncChannelInboundStream<HTTPServerRequestPart>.AsyncIterator,
        stats: ServerStats,
        resetAfter: Int?
    ) {
        self.iterator = iterator
        self.stats = stats
        self.resetAfter = resetAfter
    }

    /// The next chunk, or nil at the end of the body.
    func next() async throws -> ByteBuffer? {
        guard !finished else { return nil }
        if resetAfter == 0 { throw InjectedReset() }
        while true {
            let next: HTTPServerRequestPart?
            do {
                next = try await iterator.next()
            } catch {
                // The decoder fails when the connection ends inside a body: for OSS that is IncompleteBody.
                throw IncompleteBodyError()
            }
            guard let part = next else { throw IncompleteBodyError() }
            switch part {
            case .body(let buffer):
                received += buffer.readableBytes
                stats.received(buffer.readableBytes)
                if let resetAfter, received >= resetAfter { throw InjectedReset() }
                return buffer
            case .end:
                finished = true
                return nil
            case .head:
                throw IncompleteBodyError()
            }
        }
    }

    /// Reads and drops the rest of the body (before answering an error, so the connection stays usable).
    func drain() async throws { while try await next() != nil {} }

    /// Reads a small body whole (XML documents, admin JSON), refusing more than `limit` bytes.
    func collect(limit: Int = 1 << 20) async throws -> ByteBuffer {
        var all = ByteBuffer()
        while var chunk = try await next() {
            guard all.readableBytes + chunk.readableBytes <= limit else {
                try await drain()
                throw OSSRequestError(400, .invalidArgument, "request body too large", ec: "0017-00000001")
            }
            all.writeBuffer(&chunk)
        }
        return all
    }

    /// Gives the stream back to the connection for the next request.
    func release() -> NIOAsyncChannelInboundStream<HTTPServerRequestPart>.AsyncIterator { iterator }
}
