import CurlHTTP
import Digests
import Foundation
import LocalOSS
import OSSKit
import OSSProtocol
import Synchronization
import TestSupport

/// A LocalOSS server in this process plus an `OSSClient` over the real `CurlHTTPClient`, on 127.0.0.1.
final class OSSClientHarness: Sendable {
    static let bucket = "itest"
    static let keyID = "LTAIintegration"
    static let secret = "integration/secret+value="

    let directory: TemporaryDirectory
    let server: LocalOSSServer
    let http: CurlHTTPClient
    let client: OSSClient
    let port: Int
    private let events: RetryEvents

    /// Every retry the client reported, in order.
    var retries: [RetryEvent] { events.all }

    private init(
        directory: TemporaryDirectory,
        server: LocalOSSServer,
        port: Int,
        http: CurlHTTPClient,
        client: OSSClient,
        events: RetryEvents
    ) {
        self.directory = directory
        self.server = server
        self.port = port
        self.http = http
        self.client = client
        self.events = events
    }

    /// Starts a server; the client signs with `secret` (default: the server's) and `signature`.
    static func start(
        secret clientSecret: String = secret,
        signature: SignatureVersion = .v4,
        attempts: Int = 4,
        configure: (inout LocalOSSConfiguration) -> Void = { _ in },
        beforeAttempt: (@Sendable () async throws -> Void)? = nil
    ) async throws -> OSSClientHarness {
        let directory = try TemporaryDirectory("ossclient")
        var serverConfiguration = LocalOSSConfiguration(
            dataDirectory: directory.url.appendingPathComponent("data"),
            buckets: [bucket],
            accessKeys: [keyID: secret],
            region: "cn-hangzhou",
            callbackTimeout: 1
        )
        configure(&serverConfiguration)
        let server = try LocalOSSServer(configuration: serverConfiguration)
        let port = try await server.start()
        let http = CurlHTTPClient()
        let events = RetryEvents()
        var configuration = OSSClientConfiguration(
            endpoint: "http://127.0.0.1:\(port)",
            region: "cn-hangzhou",
            signature: signature,
            addressing: .path,
            retry: RetryPolicy(attempts: attempts, baseDelay: 0.01, maxDelay: 0.05)
        )
        configuration.onRetry = { event in events.append(event) }
        configuration.beforeAttempt = beforeAttempt
        let client = OSSClient(
            configuration: configuration,
            credentials: Credentials(accessKeyID: keyID, accessKeySecret: clientSecret),
            transport: http
        )
        return OSSClientHarness(
            directory: directory,
            server: server,
            port: port,
            http: http,
            client: client,
            events: events
        )
    }

    func stop() async {
        http.shutdown()
        await server.stop()
        directory.remove()
    }

    /// The object's bytes, fetched with a V4-signed GET (OSSClient has no download).
    func getObject(_ key: String) async throws -> [UInt8] {
        var request = SignableRequest(method: "GET", bucket: Self.bucket, key: key)
        SignerV4(credentials: Credentials(accessKeyID: Self.keyID, accessKeySecret: Self.secret), region: "cn-hangzhou")
            .sign(&request, at: SigningTime(epochSeconds: Int64(Date().timeIntervalSince1970)))
        let url = try Endpoint(parsing: "http://127.0.0.1:\(port)").url(for: request, addressing: .path)
        let response = try await http.send(HTTPRequest(method: "GET", url: url, headers: request.headers))
        guard response.status == 200 else { throw OSSError.service(OSSServiceError(response: response), attempts: 1) }
        return response.body
    }

    /// Server operations as logged, in order, e.g. `["PutObject 503", "PutObject 200"]`.
    var operations: [String] { server.log.all.map { "\($0.operation.rawValue) \($0.status)" } }
}

/// Collects the client's retry events (the observer runs on whichever task retries).
private final class RetryEvents: Sendable {
    private let events = Mutex<[RetryEvent]>([])
    func append(_ event: RetryEvent) { events.withLock { $0.append(event) } }
    var all: [RetryEvent] { events.withLock { $0 } }
}

/// A file holding `bytes`, open for reading; the descriptor is closed by `close()`.
struct OpenFile {
    let url: URL
    let descriptor: Int32

    init(in directory: TemporaryDirectory, name: String, bytes: [UInt8]) throws {
        url = directory.url.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        descriptor = open(url.path, O_RDONLY)
        guard descriptor >= 0 else { throw CocoaError(.fileReadUnknown) }
    }

    func close() { _ = Glibc.close(descriptor) }
}
