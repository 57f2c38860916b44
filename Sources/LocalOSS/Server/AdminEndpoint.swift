import Foundation
import NIOCore
import NIOHTTP1
import OSSProtocol

/// `/__localoss/…`: fault rules, counters and the operation log over HTTP, for a server run as a process.
/// Not signed: LocalOSS listens on loopback only and exists for tests.
struct AdminEndpoint {
    static let prefix = "/__localoss/"
    let server: LocalOSSServer

    func handle(_ request: OSSRequest, body: BodyReader) async throws -> OSSResponse {
        let path = String(OSSRequest.split(request.uri).path.dropFirst(AdminEndpoint.prefix.count))
        var input = try await body.collect()
        let bytes = input.readBytes(length: input.readableBytes) ?? []
        switch (request.method, path) {
        case ("GET", "stats"): return try json(server.stats.snapshot)
        case ("POST", "stats/reset"), ("DELETE", "stats"):
            server.stats.reset()
            return OSSResponse(status: .noContent)
        case ("GET", "log"): return try json(server.log.all)
        case ("DELETE", "log"):
            server.log.removeAll()
            return OSSResponse(status: .noContent)
        case ("GET", "faults"): return try json(server.faults.rules)
        case ("POST", "faults"):
            let rules: [FaultRule]
            do {
                // One rule object or an array of them, told by the first character, so that the error is the
                // rule's own (a rule that failed as one object was tried as an array, and said so).
                let isArray = bytes.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) } == UInt8(ascii: "[")
                if isArray {
                    rules = try JSONDecoder().decode([FaultRule].self, from: Data(bytes))
                } else {
                    rules = [try JSONDecoder().decode(FaultRule.self, from: Data(bytes))]
                }
            } catch {
                throw OSSRequestError(400, .invalidArgument, "fault rule JSON not understood: \(error)")
            }
            // All or nothing: one bad rule adds none of them.
            for (index, rule) in rules.enumerated() {
                if let problem = rule.problem {
                    let which = rules.count == 1 ? "the fault rule" : "fault rule \(index + 1) of \(rules.count)"
                    throw OSSRequestError(
                        400,
                        .invalidArgument,
                        "\(which) is not valid: \(problem); no rule was added"
                    )
                }
            }
            rules.forEach(server.faults.add)
            return OSSResponse(status: .noContent)
        case ("DELETE", "faults"):
            server.faults.removeAll()
            return OSSResponse(status: .noContent)
        case ("POST", "sts-credentials"):
            struct Registration: Decodable {
                var accessKeyID: String
                var accessKeySecret: String
                var securityToken: String
                var expiration: Date
                enum CodingKeys: String, CodingKey {
                    case accessKeyID = "access_key_id"
                    case accessKeySecret = "access_key_secret"
                    case securityToken = "security_token"
                    case expiration
                }
            }
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            guard let r = try? decoder.decode(Registration.self, from: Data(bytes)) else {
                throw OSSRequestError(
                    400,
                    .invalidArgument,
                    "expected {access_key_id, access_key_secret, security_token, expiration (ISO 8601)}"
                )
            }
            server.temporaryCredentials.register(
                accessKeyID: r.accessKeyID,
                secret: r.accessKeySecret,
                securityToken: r.securityToken,
                expiration: r.expiration
            )
            return OSSResponse(status: .noContent)
        case ("DELETE", "sts-credentials"):
            server.temporaryCredentials.removeAll()
            return OSSResponse(status: .noContent)
        default:
            throw OSSRequestError(
                404,
                .unknown("NoSuchAdminEndpoint"),  // LocalOSS's own: OSS has no admin endpoint
                "Unknown LocalOSS admin endpoint \(request.method) /__localoss/\(path)."
            )
        }
    }

    private func json<T: Encodable>(_ value: T) throws -> OSSResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        return OSSResponse(status: .ok, headers: headers, body: .bytes(ByteBuffer(bytes: try encoder.encode(value))))
    }
}
