import Glibc

/// Writing whole byte runs to an open descriptor, for callers that must not handle pointers themselves.
public enum FileDescriptorWriter {
    /// Writes every byte of `bytes` to `fd`, retrying short writes and EINTR, and waiting while a descriptor
    /// left non-blocking (a pipe shared with the process that started ours) is full. Returns 0, or the
    /// `errno` of the write that failed.
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
                if errno == EAGAIN {
                    var ready = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                    // Waits as a blocking write would; POLLERR or POLLHUP wakes it too, and the next write
                    // then fails with the descriptor's own error.
                    if poll(&ready, 1, -1) >= 0 || errno == EINTR { continue }
                    return errno
                }
                return errno
            }
            left -= n
            base += n  // stays inside `raw`: n ≤ left
        }
        return 0
    }
}
