import Foundation
import LocalOSS
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A fake of the two services temporary credentials come from, on 127.0.0.1, for the credential chain's tests:
///
/// - the **ECS instance metadata service**: `PUT /latest/api/token` (IMDSv2: needs
///   `X-aliyun-ecs-metadata-token-ttl-seconds`; answers a session token, or 403 when `imdsV2` is off), then
///   `GET /latest/meta-data/ram/security-credentials/` (the role name) and `…/<role>` (the credentials JSON);
///   with `imdsV2 == .required` a GET without the session token is 401;
/// - **STS** `POST /?Action=AssumeRoleWithOIDC` with a form body (`RoleArn`, `OIDCProviderArn`, `OIDCToken`,
///   `RoleSessionName`, `DurationSeconds`): the credentials JSON when the OIDC token is `oidcToken`, else 400
///   `InvalidParameter.OIDCToken`, its message quoting the token.
///
/// Every set of credentials it hands out lasts `lifetime` seconds and is registered with `registry` (LocalOSS
/// then accepts it until it expires); `issued` lists them, so tests can check no secret leaked. Its clock is
/// this machine's plus `clockOffset` (give LocalOSS the same): expiries, `LastUpdated` and every answer's
/// `Date` are on it, as a real service's are on its own.
public final class FakeCredentialService: Sendable {
    public enum IMDSv2: Sendable {
        case required, supported, unavailable
    }

    public struct Issued: Sendable {
        public var accessKeyID: String
        public var secret: String
        public var token: String
        public var expiration: Date
    }

    public let port: Int
    public let roleName: String
    private let channel: any Channel

    struct State {
        var issued: [Issued] = []
        var requests: [String] = []
        /// Answers every request 500, as a service that broke (`failFromNow()`).
        var failing = false
        /// Answers this many more requests 503, as a service busy for a moment (`failNext(_:)`).
        var busyFor = 0
    }

    struct Settings: Sendable {
        var lifetime: TimeInterval
        var roleName: String
        var imdsV2: IMDSv2
        var oidcToken: String
        var registry: TemporaryCredentialsRegistry
        var clockOffset: TimeInterval

        var now: Date { Date().addingTimeInterval(clockOffset) }
    }

    /// Starts the fake. `lifetime` is whole seconds (expiries are written to the second, as the services do).
    public static func start(
        registry: TemporaryCredentialsRegistry,
        lifetime: TimeInterval = 3600,
        roleName: String = "ossbatch-test-role",
        imdsV2: IMDSv2 = .supported,
        oidcToken: String = "eyJ-fake-oidc-token",
        clockOffset: TimeInterval = 0
    ) async throws -> FakeCredentialService {
        let settings = Settings(
            lifetime: lifetime,
            roleName: roleName,
            imdsV2: imdsV2,
            oidcToken: oidcToken,
            registry: registry,
            clockOffset: clockOffset
        )
        let box = StateBox(settings: settings)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(FakeCredentialHandler(box: box))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return FakeCredentialService(channel: channel, roleName: roleName, box: box)
    }

    private let box: StateBox

    private init(channel: any Channel, roleName: String, box: StateBox) {
        self.channel = channel
        self.roleName = roleName
        self.box = box
        port = channel.localAddress?.port ?? 0
    }

    /// `http://127.0.0.1:PORT`.
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// Every set of credentials handed out, in order.
    public var issued: [Issued] { box.state.withLock { $0.issued } }

    /// Requests as `METHOD PATH` plus ` +token` when an IMDSv2 session token came with it.
    public var requests: [String] { box.state.withLock { $0.requests } }

    public func stop() async { try? await channel.close() }

    /// From now on every request is answered 500 (the connections a client keeps open too, which closing
    /// the listener would leave serving).
    public func failFromNow() { box.state.withLock { $0.failing = true } }

    /// The next `count` requests are answered 503 (a service busy for a moment), then it answers again.
    public func failNext(_ count: Int) { box.state.withLock { $0.busyFor = count } }
}

/// The service's state, shared by its connections' handlers.
final class StateBox: Sendable {
    let state: Mutex<FakeCredentialService.State>
    let settings: FakeCredentialService.Settings
    let sessionToken = "imds-session-\(UUID().uuidString)"

    init(settings: FakeCredentialService.Settings) {
        state = Mutex(FakeCredentialService.State())
        self.settings = settings
    }

    /// New credentials, registered with LocalOSS, as the services' JSON fields.
    func issue() -> [String: String] {
        let now = settings.now
        let expiration = Date(timeIntervalSince1970: (now.timeIntervalSince1970 + settings.lifetime).rounded(.down))
        let issued = FakeCredentialService.Issued(
            accessKeyID: "STS.fake\(UUID().uuidString.prefix(8))",
            secret: "fake-sts-secret-\(UUID().uuidString)",
            token: "fake-sts-token-\(UUID().uuidString)",
            expiration: expiration
        )
        settings.registry.register(
            accessKeyID: issued.accessKeyID,
            secret: issued.secret,
            securityToken: issued.token,
            expiration: expiration
        )
        state.withLock { $0.issued.append(issued) }
        return [
            "AccessKeyId": issued.accessKeyID, "AccessKeySecret": issued.secret, "SecurityToken": issued.token,
            "Expiration": expiration.formatted(Date.ISO8601FormatStyle()),
        ]
    }

    /// The answer to one request: status and body.
    func answer(method: HTTPMethod, uri: String, headers: HTTPHeaders, body: String) -> (Int, String) {
        let path = String(uri.split(separator: "?", maxSplits: 1).first ?? "")
        let hasToken = headers.first(name: "x-aliyun-ecs-metadata-token") == sessionToken
        let (failing, busy) = state.withLock {
            $0.requests.append("\(method.rawValue) \(path)" + (hasToken ? " +token" : ""))
            let busy = $0.busyFor > 0
            if busy { $0.busyFor -= 1 }
            return ($0.failing, busy)
        }
        if failing { return (500, "Internal Server Error") }
        if busy { return (503, "Service Unavailable") }
        let credentialsPath = "/latest/meta-data/ram/security-credentials/"
        switch (method, path) {
        case (.PUT, "/latest/api/token"):
            guard settings.imdsV2 != .unavailable, headers.first(name: "x-aliyun-ecs-metadata-token-ttl-seconds") != nil
            else { return (403, "Forbidden") }
            return (200, sessionToken)
        case (.GET, _) where path.hasPrefix(credentialsPath):
            if settings.imdsV2 == .required && !hasToken { return (401, "Unauthorized") }
            let role = String(path.dropFirst(credentialsPath.count))
            if role.isEmpty { return (200, settings.roleName) }
            guard role == settings.roleName else { return (404, "Not Found") }
            var document = issue()
            document["Code"] = "Success"
            document["LastUpdated"] = settings.now.formatted(Date.ISO8601FormatStyle())
            return (200, Self.json(document))
        case (.POST, "/") where uri.contains("Action=AssumeRoleWithOIDC"):
            let form = Self.form(body)
            guard form["OIDCToken"] == settings.oidcToken, form["RoleArn"] != nil, form["OIDCProviderArn"] != nil,
                form["RoleSessionName"] != nil
            else {
                // As STS's own messages can, it quotes the token it refused.
                return (
                    400,
                    Self.json([
                        "RequestId": "FAKE-REQUEST", "Code": "InvalidParameter.OIDCToken",
                        "Message": "The OIDC token \(form["OIDCToken"] ?? "") is invalid.",
                    ])
                )
            }
            return (200, "{\"RequestId\":\"FAKE-REQUEST\",\"Credentials\":\(Self.json(issue()))}")
        default:
            return (404, "Not Found")
        }
    }

    static func json(_ fields: [String: String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    static func form(_ body: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            if parts.count == 2 { out[parts[0]] = parts[1] }
        }
        return out
    }
}

private final class FakeCredentialHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let box: StateBox
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(box: StateBox) { self.box = box }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            head = request
            body = []
        case .body(let buffer):
            body.append(contentsOf: buffer.readableBytesView)
        case .end:
            guard let request = head else { return }
            head = nil
            let (status, text) = box.answer(
                method: request.method,
                uri: request.uri,
                headers: request.headers,
                body: String(decoding: body, as: UTF8.self)
            )
            var headers = HTTPHeaders()
            headers.add(name: "content-length", value: String(text.utf8.count))
            headers.add(name: "date", value: LocalOSSServer.httpDate(box.settings.now))
            context.write(
                wrapOutboundOut(
                    .head(HTTPResponseHead(version: .http1_1, status: .init(statusCode: status), headers: headers))
                ),
                promise: nil
            )
            context.write(
                wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: text)))),
                promise: nil
            )
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
