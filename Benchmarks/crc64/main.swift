// crc64-bench: single-threaded throughput of the digests that run on every byte we send.
// Usage: swift run -c release crc64-bench [MiB]   (default 256 MiB buffer)
import Digests

let mebibytes = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 256
let size = mebibytes << 20
let repetitions = 3

/// Pseudo-random contents (xorshift), so nothing is special-cased for zeros.
var buffer = [UInt8](repeating: 0, count: size)
buffer.withUnsafeMutableBytes { raw in
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    let words = raw.bindMemory(to: UInt64.self)
    for i in words.indices {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        words[i] = state
    }
}

/// Best-of-`repetitions` seconds for `work`.
func best(_ work: () -> Void) -> Double {
    let clock = ContinuousClock()
    var fastest = Double.infinity
    for _ in 0..<repetitions {
        let start = clock.now
        work()
        let (seconds, attoseconds) = (clock.now - start).components
        fastest = min(fastest, Double(seconds) + Double(attoseconds) * 1e-18)
    }
    return fastest
}

func rate(_ seconds: Double) -> String {
    let gigabytesPerSecond = Double(size) / seconds / 1e9
    return "\((gigabytesPerSecond * 100).rounded() / 100) GB/s"
}

var crcValue: UInt64 = 0
let crcSeconds = best {
    var crc = CRC64()
    buffer.withUnsafeBytes { crc.update($0) }
    crcValue = crc.value
}
print("CRC-64/ECMA (Digests, liblzma)  \(mebibytes) MiB: \(rate(crcSeconds))  crc=\(String(crcValue, radix: 16))")

var digest: [UInt8] = []
let md5Seconds = best {
    let md5 = MD5()
    buffer.withUnsafeBytes { md5.update($0) }
    digest = md5.finalize()
}
print("MD5 (OpenSSL EVP)               \(mebibytes) MiB: \(rate(md5Seconds))  md5=\(digest.hexString)")

// combine: the CRC of the whole buffer from the CRCs of 1 MiB pieces, as a multipart object's CRC is
// derived from its parts' CRCs without rereading them.
let pieceSize = 1 << 20
var pieces: [(crc: UInt64, length: UInt64)] = []
buffer.withUnsafeBytes { raw in
    var offset = 0
    while offset < size {
        let count = min(pieceSize, size - offset)
        var crc = CRC64()
        crc.update(UnsafeRawBufferPointer(rebasing: raw[offset..<offset + count]))
        pieces.append((crc.value, UInt64(count)))
        offset += count
    }
}
var combined: UInt64 = 0
let combineSeconds = best {
    var crc: UInt64 = 0
    for piece in pieces { crc = CRC64.combine(crc, piece.crc, lengthB: piece.length) }
    combined = crc
}
let perCombine = combineSeconds / Double(pieces.count) * 1e6
print(
    "CRC-64 combine of \(pieces.count) × 1 MiB pieces: \((perCombine * 100).rounded() / 100) µs per combine, "
        + "\(rate(combineSeconds)) of data covered, matches whole-buffer CRC: \(combined == crcValue)"
)
if combined != crcValue {
    print("ERROR: combined CRC differs from the streaming CRC")
}
