import Foundation
import LocalOSS

/// An in-process LocalOSS for tests: port 0 on 127.0.0.1, a temporary data directory, one bucket and
/// (optionally) one access key. Call `stop()` at the end (it also removes the data directory).
public final class LocalOSSFixture: Sendable {
    public let server: LocalOSSServer
    public let directory: TemporaryDirectory
    public let bucket: String
    public let accessKeyID: String?
    public let accessKeySecret: String?
    public let region: String

    /// Starts a server. With `accessKeyID`/`accessKeySecret` nil it accepts anonymous requests.
    public static func start(
        bucket: String = "test-bucket",
        accessKeyID: String? = "LTAI5tLocalTestKey",
        accessKeySecret: String? = "local-test-secret/+=",
        region: String = "cn-hangzhou",
        discard: Bool = false,
        extraBuckets: Set<String> = [],
        configure: (inout LocalOSSConfiguration) -> Void = { _ in }
    ) async throws -> LocalOSSFixture {
        let dir = try TemporaryDirectory("localoss")
        var keys: [String: String] = [:]
        if let accessKeyID, let accessKeySecret { keys[accessKeyID] = accessKeySecret }
        var configuration = LocalOSSConfiguration(
            dataDirectory: dir.url.appendingPathComponent("data"),
            buckets: extraBuckets.union([bucket]),
            accessKeys: keys,
            region: region,
            discardBodies: discard
        )
        configure(&configuration)
        let server = try LocalOSSServer(configuration: configuration)
        try await server.start()
        return LocalOSSFixture(
            server: server,
            directory: dir,
            bucket: bucket,
            accessKeyID: accessKeyID,
            accessKeySecret: accessKeySecret,
            region: region
        )
    }

    /// Starts a fixture, runs `body` with it and stops it, also when `body` throws.
    public static func with<T>(
        bucket: String = "test-bucket",
        accessKeyID: String? = "LTAI5tLocalTestKey",
        accessKeySecret: String? = "local-test-secret/+=",
        discard: Bool = false,
        configure: (inout LocalOSSConfiguration) -> Void = { _ in },
        _ body: (LocalOSSFixture) async throws -> T
    ) async throws -> T {
        let fixture = try await start(
            bucket: bucket,
            accessKeyID: accessKeyID,
            accessKeySecret: accessKeySecret,
            discard: discard,
            configure: configure
        )
        do {
            let result = try await body(fixture)
            await fixture.stop()
            return result
        } catch {
            await fixture.stop()
            throw error
        }
    }

    /// An anonymous fixture (no access keys: signatures are not checked).
    public static func anonymous<T>(
        discard: Bool = false,
        configure: (inout LocalOSSConfiguration) -> Void = { _ in },
        _ body: (LocalOSSFixture) async throws -> T
    ) async throws -> T {
        try await with(accessKeyID: nil, accessKeySecret: nil, discard: discard, configure: configure, body)
    }

    private init(
        server: LocalOSSServer,
        directory: TemporaryDirectory,
        bucket: String,
        accessKeyID: String?,
        accessKeySecret: String?,
        region: String
    ) {
        self.server = server
        self.directory = directory
        self.bucket = bucket
        self.accessKeyID = accessKeyID
        self.accessKeySecret = accessKeySecret
        self.region = region
    }

    public var port: Int { server.port }
    /// `http://127.0.0.1:<port>` (path-style addressing).
    public var endpoint: URL { server.endpoint }
    public var faults: FaultInjector { server.faults }
    public var stats: ServerStats { server.stats }
    public var log: OperationLog { server.log }

    /// The URL of `key` in the fixture's bucket, path-style, key percent-encoded except `/`.
    public func url(forKey key: String, query: String? = nil) -> URL {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-_.~/")
        let encoded = key.addingPercentEncoding(withAllowedCharacters: allowed) ?? key
        return URL(string: "\(endpoint.absoluteString)/\(bucket)/\(encoded)" + (query.map { "?" + $0 } ?? ""))!
    }

    public func stop() async {
        await server.stop()
        directory.remove()
    }
}
