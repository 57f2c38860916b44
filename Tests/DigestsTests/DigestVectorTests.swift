import Digests
import Foundation
import Testing

/// The vectors in Fixtures/crc64.json were produced by the official OSS Python SDKs (see ../shared/testdata).
struct CRC64Vectors: Decodable {
    struct Checksum: Decodable {
        let name: String
        let length: Int
        let crc64: String
        let md5_hex: String
        let content_md5_base64: String
    }
    struct Combine: Decodable {
        let split_at: Int
        let crc1: String
        let crc2: String
        let len2: UInt64
        let combined: String
    }
    let checksums: [Checksum]
    let combine: [Combine]

    static func load() throws -> CRC64Vectors {
        let url = try #require(Bundle.module.url(forResource: "crc64", withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(CRC64Vectors.self, from: Data(contentsOf: url))
    }
}

/// The inputs named in the vector file.
func vectorInput(_ name: String) -> [UInt8] {
    switch name {
    case "empty": return []
    case "check 123456789": return Array("123456789".utf8)
    case "one byte 0x00": return [0]
    case "hello": return Array("hello ossbatch\n".utf8)
    case "pattern 100000": return pattern(100_000)
    case "pattern 1048576": return pattern(1 << 20)
    default: return []
    }
}

func pattern(_ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ ($0 >> 8)) } }

@Test func crc64MatchesEveryOfficialVector() throws {
    let vectors = try CRC64Vectors.load()
    #expect(vectors.checksums.count >= 6)
    for v in vectors.checksums {
        let input = vectorInput(v.name)
        #expect(input.count == v.length, "unknown vector input \(v.name)")
        #expect(String(CRC64.checksum(input)) == v.crc64, "\(v.name)")
    }
}

@Test func crc64StreamingInPiecesEqualsOneShot() {
    let data = pattern(300_001)
    var crc = CRC64()
    var offset = 0
    for size in [1, 7, 4096, 65_536, 100_000] where offset < data.count {
        let end = min(offset + size, data.count)
        crc.update(data[offset..<end])
        offset = end
    }
    crc.update(data[offset...])
    #expect(crc.value == CRC64.checksum(data))
    #expect(crc.count == UInt64(data.count))
}

@Test func crc64CombineMatchesEveryOfficialSplit() throws {
    let vectors = try CRC64Vectors.load()
    #expect(!vectors.combine.isEmpty)
    for c in vectors.combine {
        let combined = CRC64.combine(UInt64(c.crc1)!, UInt64(c.crc2)!, lengthB: c.len2)
        #expect(String(combined) == c.combined, "split at \(c.split_at)")
    }
}

@Test func crc64AppendOfPartsEqualsWholeObject() {
    let data = pattern(1 << 20)
    var whole = CRC64()
    for start in stride(from: 0, to: data.count, by: 300_000) {
        var part = CRC64()
        part.update(data[start..<min(start + 300_000, data.count)])
        whole.append(part)
    }
    #expect(whole.value == CRC64.checksum(data))
}

@Test func md5AndContentMD5MatchEveryOfficialVector() throws {
    let vectors = try CRC64Vectors.load()
    for v in vectors.checksums {
        let digest = MD5.hash(vectorInput(v.name))
        #expect(digest.hexString == v.md5_hex, "\(v.name)")
        #expect(digest.base64String == v.content_md5_base64, "\(v.name)")
    }
}

@Test func sha256AndHMACMatchPublishedVectors() {
    // FIPS 180-2 and RFC 4231 test case 2 / RFC 2202 test case 2.
    #expect(
        SHA256.hash(Array("abc".utf8)).hexString == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
    #expect(
        HMAC.sha256(key: Array("Jefe".utf8), message: "what do ya want for nothing?").hexString
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )
    #expect(
        HMAC.sha1(key: Array("Jefe".utf8), message: "what do ya want for nothing?").hexString
            == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"
    )
}
