import Glibc

/// What the kernel says about processes on this machine (`/proc`): whether one is alive, its command line
/// and when it started. For naming the holder of a lock in a message.
public enum ProcessTable {
    /// Whether a process with this pid exists (signal 0 is delivered to nobody).
    public static func isAlive(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    /// The arguments the process was started with (`/proc/PID/cmdline`), `nil` if it cannot be read.
    public static func commandLine(of pid: Int32) -> [String]? {
        guard pid > 0, let bytes = readSmallFile("/proc/\(pid)/cmdline"), !bytes.isEmpty else { return nil }
        return bytes.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    /// When the process started, in seconds since the epoch (`/proc/PID/stat` and the boot time).
    public static func startTime(of pid: Int32) -> Double? {
        guard pid > 0, let stat = readSmallFile("/proc/\(pid)/stat"), let close = stat.lastIndex(of: UInt8(ascii: ")"))
        else { return nil }
        // After "pid (comm)" come the fields from the 3rd on; `starttime` is the 22nd, in clock ticks since boot.
        let fields = stat[(close + 1)...].split(separator: UInt8(ascii: " "))
        guard fields.count > 19, let ticks = Double(String(decoding: fields[19], as: UTF8.self)),
            let boot = bootTime
        else { return nil }
        let hertz = Double(sysconf(Int32(_SC_CLK_TCK)))
        return hertz > 0 ? boot + ticks / hertz : nil
    }

    /// This machine's host name.
    public static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Seconds since the epoch at boot (`btime` in `/proc/stat`).
    private static var bootTime: Double? {
        guard let bytes = readSmallFile("/proc/stat", limit: 1 << 20) else { return nil }
        for line in bytes.split(separator: UInt8(ascii: "\n")) where line.starts(with: Array("btime ".utf8)) {
            return Double(String(decoding: line.dropFirst(6), as: UTF8.self))
        }
        return nil
    }

    static func readSmallFile(_ path: String, limit: Int = 64 << 10) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < limit {
            let n = chunk.withUnsafeMutableBytes { raw in read(fd, raw.baseAddress!, raw.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            bytes += chunk.prefix(n)
        }
        return bytes
    }
}
