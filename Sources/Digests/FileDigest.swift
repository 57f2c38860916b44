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
            buffer.withUnsafeBytes { raw in md5.update(UnsafeRawBufferPointer(rebasing: raw[0..<got])) }
            position += Int64(got)
        }
        return md5.finalize()
    }
}
