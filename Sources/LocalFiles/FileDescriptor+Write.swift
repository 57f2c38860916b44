import Glibc

/// Writing whole byte runs to an open descriptor, for callers that must not handle pointers themselves.
public enum FileDescriptorWriter {
    /// Writes every byte of `bytes` to `fd`, retrying short writes and EINTR. Returns 0, or the `errno`
    /// of the write that failed.
    public static func writeAll<Bytes: Sequence>(_ fd: Int32, _ bytes: Bytes) -> Int32 where Bytes.Element == UInt8 {
        let result = bytes.withContiguousStorageIfAvailable { buffer in writeAll(fd, UnsafeRawBufferPointer(buffer)) }
        if let result { return result }
        return Array(bytes).withUnsafeBytes { writeAll(fd, $0) }
    }

    private static func writeAll(_ fd: Int32, _ raw: UnsafeRawBufferPointer) -> Int32 {
        guard var base = raw.baseAddress else { return 0 }
        var left = raw.count
        while left > 0 {
            let n = Glibc.write(fd, base, left)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            left -= n
            base += n  // stays inside `raw`: n ≤ left
        }
        return 0
    }
}
