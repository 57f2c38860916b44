import Foundation
import LocalFiles

/// Who holds a lock: written into the lock file by its holder, read by a process that finds the lock held
/// (for its message) and by status readers. `{"pid":…,"host":…,"command":…,"started_at":…,…}`.
package struct LockHolder: Sendable, Codable, Hashable, CustomStringConvertible {
    package var pid: Int32
    package var host: String
    /// `run`, `resume` or `abort`.
    package var command: String
    package var startedAt: String
    /// The report the holder works on (absolute path).
    package var report: String?
    /// The manifest of its batch (absolute path).
    package var manifest: String?

    package init(
        pid: Int32,
        host: String,
        command: String,
        startedAt: String,
        report: String? = nil,
        manifest: String? = nil
    ) {
        self.pid = pid
        self.host = host
        self.command = command
        self.startedAt = startedAt
        self.report = report
        self.manifest = manifest
    }

    private enum CodingKeys: String, CodingKey {
        case pid, host, command
        case startedAt = "started_at"
        case report, manifest
    }

    /// This process, about to run `command`.
    package static func current(command: String, report: String?, manifest: String?) -> LockHolder {
        LockHolder(
            pid: getpid(),
            host: ProcessTable.hostName,
            command: command,
            startedAt: Timestamp.iso8601(),
            report: report,
            manifest: manifest
        )
    }

    /// Another process on this machine known only by its pid (the holder of a key's lock), described from
    /// `/proc`: its command line (as `command`) and its start time.
    package static func process(_ pid: Int32) -> LockHolder {
        let arguments = ProcessTable.commandLine(of: pid) ?? []
        var command = arguments.joined(separator: " ")
        if command.isEmpty { command = "a process that has ended" }
        if command.count > 300 { command = String(command.prefix(300)) + "…" }
        let started = ProcessTable.startTime(of: pid).map { Timestamp.iso8601(Date(timeIntervalSince1970: $0)) }
        return LockHolder(pid: pid, host: ProcessTable.hostName, command: command, startedAt: started ?? "unknown")
    }

    /// The holder a lock file describes, `nil` if its content is not one.
    static func decode(_ bytes: [UInt8]) -> LockHolder? {
        try? JSONDecoder().decode(LockHolder.self, from: Data(bytes))
    }

    func encoded() -> [UInt8] { (try? StreamingJSONEncoder().encode(self)) ?? [] }

    /// Whether this holder is this process.
    package var isCurrentProcess: Bool { pid == getpid() && host == ProcessTable.hostName }

    /// `pid 1234 on host-a (ossbatch run of /etc/nightly.yaml, since 2026-11-25T22:00:00.123Z)`.
    package var description: String {
        // A holder known from /proc has its whole command line as `command`.
        var what = command.contains(" ") ? command : "ossbatch \(command)"
        if let report, command != "run" { what += " \(report)" } else if let manifest { what += " of \(manifest)" }
        return "pid \(pid) on \(host) (\(what), since \(startedAt))"
    }
}
