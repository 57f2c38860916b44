import Glibc

/// This machine's host name as `gethostname(2)` gives it: what `hostname` prints and systemd's `%H`, read
/// without a DNS lookup (Foundation's `ProcessInfo.hostName` may resolve the name and block).
public enum HostName {
    /// `nil` only when the system call fails.
    public static var current: String? {
        // Linux's HOST_NAME_MAX is 64; a larger buffer leaves room for the terminating NUL.
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
