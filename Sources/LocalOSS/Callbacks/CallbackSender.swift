import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// POSTs upload callbacks to a loopback receiver, as OSS does after storing an object.
///
/// HTTP/1.1 over SwiftNIO, the stack the server already runs on: URLSession would link libcurl into LocalOSS
/// through FoundationNetworking. Plain `http` only (a loopback receiver needs no TLS); redirects are not
/// followed, a 3xx is a failed callback like any other non-2xx.
struct CallbackSender: Sendable {
    let timeout: TimeInterval

    struct Reply: Sendable {
        var status: Int
        var contentType: String?
        var body: Data
    }

    enum Failure: Error {
        case notLoopback(String)
        case unreachable(String)
        case status(Int)
    }

    /// Sends `body` to the first URL of `urls`, refusing anything but loopback addresses.
    func send(urls: String, host: String?, body: String, contentType: String) async throws(Failure) -> Reply {
        let first = urls.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        let withScheme = first.contains("://") ? first : "http://" + first
        guard let url = URL(string: withScheme), let h = url.host,
            h == "127.0.0.1" || h == "localhost" || h == "::1" || h == "[::1]"
        else {
            throw .notLoopback(first)
        }
        guard url.scheme?.lowercased() == "http",
            let components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        else {
            throw .unreachable("LocalOSS calls back over plain http only, not \(first)")
        }
        let address = h.hasPrefix("[") ? String(h.dropFirst().dropLast()) : h
        let port = url.port ?? 80
        var target = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if let query = components.percentEncodedQuery { target += "?" + query }

        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: target)
        head.headers.add(
            name: "Host",
            value: host ?? (address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)")
        )
        head.headers.add(name: "Content-Type", value: contentType)
        head.headers.add(name: "Content-Length", value: String(body.utf8.count))
        head.headers.add(name: "Connection", value: "close")

        let reply: Reply
        do {
            reply = try await exchange(address: address, port: port, head: head, body: ByteBuffer(string: body))
        } catch let failure as Failure {
            throw failure
        } catch {
            throw .unreachable("\(error)")
        }
        guard (200..<300).contains(reply.status) else { throw .status(reply.status) }
        return reply
    }

    /// One request on a new connection; the receiver has `timeout` to connect and answer in full.
    private func exchange(address: String, port: Int, head: HTTPRequestHead, body: ByteBuffer) async throws -> Reply {
        let deadline = TimeAmount.nanoseconds(Int64(timeout * 1_000_000_000))
        let connection = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(deadline)
            .connect(host: address, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel
                    )
                }
            }
        // A receiver that never answers: closing the connection under it ends the read loop below.
        let timedOut = NIOLockedValueBox(false)
        let channel = connection.channel
        let timer = channel.eventLoop.scheduleTask(in: deadline) {
            timedOut.withLockedValue { $0 = true }
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        do {
            return try await connection.executeThenClose { inbound, outbound in
                // A receiver that answers and closes once it has the body (HTTP/1.0, as Python's http.server)
                // can close before the last write returns ("I/O on closed channel" under load): its reply is
                // read all the same, and the write's error stands only if there is none.
                var writeError: (any Error)?
                do {
                    try await outbound.write(.head(head))
                    try await outbound.write(.body(.byteBuffer(body)))
                    try await outbound.write(.end(nil))
                } catch {
                    writeError = error
                }
                var status = 0
                var contentType: String?
                var received = ByteBuffer()
                for try await part in inbound {
                    switch part {
                    case .head(let response):
                        status = Int(response.status.code)
                        contentType = response.headers.first(name: "Content-Type")
                    case .body(var chunk):
                        received.writeBuffer(&chunk)
                    case .end:
                        return Reply(status: status, contentType: contentType, body: Data(received.readableBytesView))
                    }
                }
                if let writeError { throw writeError }
                throw Failure.unreachable("the connection closed before the reply was complete")
            }
        } catch {
            if timedOut.withLockedValue({ $0 }) { throw Failure.unreachable("no reply within \(timeout) s") }
            throw error
        }
    }
}
