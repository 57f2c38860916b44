import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import OSSProtocol

extension LocalOSSServer {
    /// Serves one keep-alive connection: requests in order, each body streamed to its handler.
    func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        let channel = connection.channel
        do {
            try await connection.executeThenClose { inbound, outbound in
                var iterator = inbound.makeAsyncIterator()
                while let part = try await iterator.next() {
                    guard case .head(let head) = part else { continue }
                    let (next, keepAlive) = try await handle(head, iterator: iterator, outbound: outbound)
                    iterator = next
                    if !keepAlive { break }
                }
            }
        } catch is InjectedReset {
            // SO_LINGER 0 makes close() send RST: the client sees a reset, not a clean end of stream.
            if let socket = channel as? SocketOptionProvider {
                try? await socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
            }
            try? await channel.close()
        } catch {
            try? await channel.close()
        }
    }

    /// One request: faults, authentication, the operation, the response, the log entry.
    private func handle(
        _ head: HTTPRequestHead,
        iterator: NIOAsyncChannelInboundStream<HTTPServerRequestPart>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    )
        async throws -> (NIOAsyncChannelInboundStream<HTTPServerRequestPart>.AsyncIterator, Bool)
    {
        stats.requestStarted()
        var finished = false
        defer { if !finished { stats.requestFinished() } }
        let requestID = LocalOSSServer.makeRequestID()
        var request = OSSRequest(head: head, knownBuckets: configuration.buckets)
        request.requestID = requestID

        if head.headers.first(name: "expect")?.lowercased() == "100-continue" {
            try await outbound.write(.head(HTTPResponseHead(version: head.version, status: .continue)))
        }

        let isAdmin = request.uri.hasPrefix(AdminEndpoint.prefix)
        if !isAdmin { stats.counted(request.operation) }
        let actions = isAdmin ? [] : faults.actions(for: request.operation, key: request.objectKey)
        var resetAfter: Int?
        for case .resetAfterBodyBytes(let n) in actions { resetAfter = n }
        let body = BodyReader(iterator: iterator, stats: stats, resetAfter: resetAfter)

        var entry = OperationLogEntry(
            operation: request.operation,
            bucket: request.bucket,
            key: request.key,
            partNumber: request.query["partNumber"].flatMap { Int($0) },
            uploadID: request.query["uploadId"],
            status: 0,
            bytes: 0,
            requestID: requestID,
            arrival: isAdmin ? -1 : log.arrive()
        )
        var response: OSSResponse
        do {
            do {
                if isAdmin {
                    response = try await AdminEndpoint(server: self).handle(request, body: body)
                } else {
                    response = try await respond(to: request, body: body, actions: actions)
                }
            } catch let e as OSSRequestError {
                // Read what the client still sends, so the connection stays in step for the next request.
                try await body.drain()
                response = .error(e, requestID: requestID, isHead: request.method == "HEAD")
            }
        } catch let reset as InjectedReset {
            entry.bytes = UInt64(body.received)
            entry.errorCode = "InjectedReset"
            if !isAdmin { log.append(entry) }
            throw reset
        } catch is IncompleteBodyError {
            entry.bytes = UInt64(body.received)
            entry.status = 400
            entry.errorCode = OSSErrorCode.incompleteBody.rawValue
            log.append(entry)
            throw IncompleteBodyError()
        }
        for case .delay(let ms) in actions { try await Task.sleep(for: .milliseconds(ms)) }
        for case .hold(let gate) in actions { try await faults.waitUntilOpen(gate: gate) }
        if actions.contains(.dropResponse) {
            entry.status = Int(response.status.code)
            entry.bytes = UInt64(body.received)
            entry.errorCode = "InjectedDroppedResponse"
            log.append(entry)
            throw InjectedReset()
        }

        response.headers.replaceOrAdd(name: "x-oss-request-id", value: requestID)
        response.headers.replaceOrAdd(name: "Server", value: "LocalOSS")
        response.headers.replaceOrAdd(name: "Date", value: LocalOSSServer.httpDate(now))
        let keepAlive = head.isKeepAlive
        if !keepAlive { response.headers.replaceOrAdd(name: "Connection", value: "close") }
        // Log and count before the bytes go out, so a client that just got its answer sees its entry.
        entry.status = Int(response.status.code)
        entry.bytes = UInt64(body.received)
        entry.errorCode = response.errorCode
        if !isAdmin { log.append(entry) }
        finished = true
        stats.requestFinished()
        try await write(response, version: head.version, to: outbound)
        return (body.release(), keepAlive)
    }

    private func write(
        _ response: OSSResponse,
        version: HTTPVersion,
        to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws {
        var headers = response.headers
        switch response.body {
        case .empty: headers.replaceOrAdd(name: "Content-Length", value: "0")
        case .bytes(let b): headers.replaceOrAdd(name: "Content-Length", value: "\(b.readableBytes)")
        case .file(_, let length), .lengthOnly(let length):
            headers.replaceOrAdd(name: "Content-Length", value: "\(length)")
        }
        try await outbound.write(.head(HTTPResponseHead(version: version, status: response.status, headers: headers)))
        switch response.body {
        case .bytes(let b): try await outbound.write(.body(.byteBuffer(b)))
        case .file(let handle, let length):
            defer { try? handle.close() }
            // Never more than the Content-Length sent: a keep-alive client reads what follows as its next answer.
            var left = length
            while left > 0 {
                guard let chunk = try handle.read(upToCount: Int(min(left, 1 << 20))), !chunk.isEmpty else {
                    // Fewer bytes than announced (the file cut behind the server's back): the connection is
                    // closed rather than left waiting for the rest.
                    throw OpenedObject.DataEndedEarly()
                }
                left -= UInt64(chunk.count)
                try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: chunk))))
            }
        case .empty, .lengthOnly: break
        }
        try await outbound.write(.end(nil))
    }

    /// The server's idea of the current time (`clockOffset` applied).
    var now: Date { Date().addingTimeInterval(configuration.clockOffset) }

    static func makeRequestID() -> String {
        // 24 upper-case hex digits like OSS's ids; random, so unique across servers and restarts.
        String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(24))
    }

    /// `date` as an HTTP date (RFC 1123, to the second): the `Date` and `Last-Modified` headers.
    public static func httpDate(_ date: Date) -> String {
        SigningTime(epochSeconds: Int64(date.timeIntervalSince1970.rounded(.down))).rfc1123
    }

    /// `2026-11-25T20:50:45.000Z`: OSS always writes `.000`, and oss2 parses exactly that form.
    static func isoDate(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return String(f.string(from: date).dropLast()) + ".000Z"
    }
}
