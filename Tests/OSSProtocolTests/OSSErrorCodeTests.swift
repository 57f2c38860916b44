import Foundation
import OSSProtocol
import Testing

@Suite struct OSSErrorCodeTests {
    @Test func everyNamedCodeIsReadBackFromItsText() {
        for code in OSSErrorCode.known {
            #expect(OSSErrorCode(rawValue: code.rawValue) == code)
            if case .unknown = OSSErrorCode(rawValue: code.rawValue) { Issue.record("\(code) read back as unknown") }
        }
        #expect(Set(OSSErrorCode.known.map(\.rawValue)).count == OSSErrorCode.known.count)
        #expect(OSSErrorCode(rawValue: "NoSuchUpload") == .noSuchUpload)
        #expect(OSSErrorCode.malformedXML.rawValue == "MalformedXML")
    }

    @Test func anyOtherCodeIsKeptAsSent() {
        let code = OSSErrorCode(rawValue: "InvalidObjectName")
        #expect(code == .unknown("InvalidObjectName") && code.rawValue == "InvalidObjectName")
        #expect("\(code)" == "InvalidObjectName")
        #expect(code != .invalidArgument)
    }

    @Test func codesCompareAndHashByTheirText() {
        #expect(OSSErrorCode.unknown("NoSuchUpload") == .noSuchUpload)
        #expect(Set<OSSErrorCode>([.noSuchUpload]).contains(.unknown("NoSuchUpload")))
    }

    @Test func codesAreEncodedAsTheirText() throws {
        let encoded = try JSONEncoder().encode([OSSErrorCode.serviceUnavailable, .unknown("Teapot")])
        #expect(String(decoding: encoded, as: UTF8.self) == #"["ServiceUnavailable","Teapot"]"#)
        let decoded = try JSONDecoder().decode([OSSErrorCode].self, from: encoded)
        #expect(decoded == [.serviceUnavailable, .unknown("Teapot")])
        if case .serviceUnavailable = decoded[0] {} else { Issue.record("decoded \(decoded[0]) is not the named case") }
    }
}
