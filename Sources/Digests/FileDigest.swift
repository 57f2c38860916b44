#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Digests of a byte range of an open file, read once with `pread` in fixed-size chunks (the file offset is
/// left alone, so the descriptor can be shared with concurrent uploads).
public enum FileDigest {
    /// Why a range could not be read.
    public struct ReadError: Error, Sendable, Hashable, CustomStringConvertible {
        public var errno: Int32
        public var offset: Int64
        public var description: String {
            errno == 0
                ? "file ended early at offset \(offset)"
                : "pread at offset \(offset): \(String(cString: strerror(errno)))"
        }
    }

    /// MD5 of `length` bytes of `descriptor` from `offset`.
    public static func md5(
        descriptor: Int32,
        offset: Int64,
        length: Int64,
        chunkSize: Int = 1 << 20
    ) throws(ReadError) -> [UInt8] {
        let md5 = MD5()
        try read(descriptor: descriptor, offset: offset, length: length, chunkSize: chunkSize) { md5.update($0) }
        return md5.finalize()
    }

    /// CRC-64 (as OSS computes it) of `length` bytes of `descriptor` from `offset`.
    public static func crc64(
        descriptor: Int32,
        offset: Int64,
        length: Int64,
        chunkSize: Int = 1 << 20
    ) throws(ReadError) -> UInt64 {
        var crc = CRC64()
        try read(descriptor: descriptor, offset: offset, length: length, chunkSize: chunkSize) { crc.update($0) }
        return crc.value
    }

    /// Hands `length` bytes of `descriptor` from `offset` to `consume`, a chunk at a time.
    private static func read(
        descriptor: Int32,
        offset: Int64,
        length: Int64,
        chunkSize: Int,
        consume: (UnsafeRawBufferPointer) -> Void
    ) throws(ReadError) {
        var buffer = [UInt8](repeating: 0, count: max(1, min(chunkSize, Int(clamping: max(length, 1)))))
        var position = offset
        let end = offset + length
        while position < end {
            let want = Int(min(Int64(buffer.count), end - position))
            // pread writes at most `want` ≤ buffer.count bytes into the buffer's storage, which outlives the call.
            let got = buffer.withUnsafeMutableBytes { raw in pread(descriptor, raw.baseAddress, want, off_t(position)) }
            if got < 0 {
                if errno == EINTR { continue }
                throw ReadError(errno: errno, offset: position)
            }
            if got == 0 { throw ReadError(errno: 0, offset: position) }
            // The first `got` bytes were just written by pread; the view does not outlive the closure.
            buffer.withUnsafeBytes { raw in consume(UnsafeRawBufferPointer(rebasing: raw[0..<got])) }
            position += Int64(got)
        }
    }
}
