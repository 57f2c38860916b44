import Foundation
import OSSProtocol
import Testing

/// One request from Fixtures/signature-v4.json or signature-v1.json, as an official SDK signed it.
struct SignatureVector: Decodable, CustomTestStringConvertible {
    let name: String
    let sdk: String
    let method: String
    let target: String
    let headers: [[String]]
    let access_key_id: String
    let access_key_secret: String
    let region: String
    let bucket: String
    let key: String
    let authorization: String
    let string_to_sign: String
    let canonical_request: String?

    var testDescription: String { "\(name) (\(sdk))" }

    var credentials: Credentials { Credentials(accessKeyID: access_key_id, accessKeySecret: access_key_secret) }

    /// The request as a server receives it: parsed from the wire target and headers, less the Authorization.
    var received: SignableRequest {
        SignableRequest(method: method, target: target, headers: headers.map { (name: $0[0], value: $0[1]) })
    }

    static func load(_ file: String) throws -> [SignatureVector] {
        struct File: Decodable { let vectors: [SignatureVector] }
        guard let url = Bundle.module.url(forResource: file, withExtension: "json", subdirectory: "Fixtures") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).vectors
    }

    static let v4: [SignatureVector] = (try? load("signature-v4")) ?? []
    static let v1: [SignatureVector] = (try? load("signature-v1")) ?? []
}
