import Foundation
import LocalFiles

/// What the placeholders in keys are resolved from, read once when a plan is made: the moment, the host
/// name and the environment. (The time zone and the batch name come from the manifest.)
package struct PlaceholderValues: Sendable {
    package var now: Date
    /// `nil` when the host name cannot be read; `{hostname}` is then an error.
    package var hostname: String?
    package var environment: [String: String]

    package init(now: Date, hostname: String?, environment: [String: String]) {
        self.now = now
        self.hostname = hostname
        self.environment = environment
    }

    /// The environment variable that fixes the moment placeholders use, for tests and reproducible runs:
    /// `OSSBATCH_NOW=2026-12-02T03:00:00Z` (ISO 8601 with `Z` or an offset such as `+08:00`).
    package static let nowVariable = "OSSBATCH_NOW"

    /// True when `OSSBATCH_NOW` fixes the moment: then it is not this machine's clock, nor checked against OSS's.
    package var isFixed: Bool { environment[Self.nowVariable] != nil }

    /// The current time, this host and this process's environment; the time from `OSSBATCH_NOW` when set.
    /// A value of `OSSBATCH_NOW` that is not a time is an error naming the variable.
    package static func current(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ManifestError) -> PlaceholderValues {
        var now = Date()
        if let fixed = environment[nowVariable] {
            guard let date = Timestamp.parseWritten(fixed) else {
                let example = "expected ISO 8601 such as 2026-12-02T03:00:00Z or 2026-12-02T11:00:00+08:00"
                // A day or an hour no calendar has: said with the moment it would have been taken for.
                let why = Timestamp.parse(fixed).map {
                    "names a day or a time no calendar has (it would have been taken for \(Timestamp.iso8601($0)))"
                }
                throw ManifestError([
                    Diagnostic(flag: nowVariable, "\(nowVariable)='\(fixed)' \(why ?? "is not a time"); \(example)")
                ])
            }
            now = date
        }
        return PlaceholderValues(now: now, hostname: HostName.current, environment: environment)
    }
}
