import Foundation
import FuzzSupport
import NIOCore
import NIOEmbedded
import NIOHTTP1

@testable import LocalOSS

/// Fuzzes how LocalOSS reads a request: raw bytes through NIO's HTTP/1.1 decoder (as a connection receives
/// them, several requests in a row), then each request as the server takes it apart — addressing, key and
/// query decoding, the operation, the object name rules, the signature (V4 and V1, against a configured key),
/// the request time, a CompleteMultipartUpload body, callback headers, admin fault rules. None of it may
/// crash on any bytes a client could send.
@main
struct RequestFuzzer {
    static func main() {
        let sandbox = FuzzSandbox.shared
        let server: LocalOSSServer
        do {
            var configuration = LocalOSSConfiguration(
                dataDirectory: URL(fileURLWithPath: sandbox.path + "/data"),
                buckets: ["bucket", "fuzz-bucket"],
                accessKeys: ["LTAIFuzzKey": "FuzzSecret"],
                region: "cn-hangzhou"
            )
            configuration.maxClockSkew = 900
            server = try LocalOSSServer(configuration: configuration)
        } catch {
            fatalError("LocalOSS cannot be set up for fuzzing: \(error)")
        }
        FuzzDriver.main { bytes in
            for (head, body) in requests(in: bytes) { take(head, body: body, server: server) }
        }
    }

    /// The requests NIO's decoder makes of `bytes`, each with its body.
    static func requests(in bytes: [UInt8]) -> [(HTTPRequestHead, [UInt8])] {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(HTTPRequestDecoder()))
        defer { _ = try? channel.finish() }
        _ = try? channel.writeInbound(ByteBuffer(bytes: bytes))
        var found: [(HTTPRequestHead, [UInt8])] = []
        var current: (HTTPRequestHead, [UInt8])?
        while let part = try? channel.readInbound(as: HTTPServerRequestPart.self) {
            switch part {
            case .head(let head): current = (head, [])
            case .body(var buffer): current?.1 += buffer.readBytes(length: buffer.readableBytes) ?? []
            case .end:
                if let current { found.append(current) }
                current = nil
            }
        }
        return found
    }

    /// One request, taken apart as the server does before it touches its store.
    static func take(_ head: HTTPRequestHead, body: [UInt8], server: LocalOSSServer) {
        let request = OSSRequest(head: head, knownBuckets: server.configuration.buckets)
        _ = try? request.checkObjectName()
        _ = try? server.verifier.verify(request, now: Date())
        _ = try? server.checkRequestTime(request)
        _ = LocalOSSServer.forbidsOverwrite(request)
        _ = StoredHeaders.pick(from: request)
        let text = String(decoding: body, as: UTF8.self)
        _ = try? LocalOSSServer.parseCompleteBody(text)
        if let callback = request.header("x-oss-callback"),
            let template = try? CallbackTemplate(
                callbackHeader: callback,
                variablesHeader: request.header("x-oss-callback-var")
            )
        {
            let object = StoredObject(
                bucket: request.bucket ?? "",
                key: request.objectKey,
                size: UInt64(body.count),
                etag: "\"0\"",
                crc64: 0,
                lastModified: Date(timeIntervalSince1970: 0),
                headers: ["content-type": "text/plain"],
                dataFile: nil,
                isMultipart: false
            )
            _ = template.render(bucket: request.bucket ?? "", object: object)
        }
        if request.uri.hasPrefix(AdminEndpoint.prefix) {
            let rules =
                (try? JSONDecoder().decode([FaultRule].self, from: Data(body)))
                ?? (try? JSONDecoder().decode(FaultRule.self, from: Data(body))).map { [$0] } ?? []
            for rule in rules { _ = rule.problem }
        }
    }
}
