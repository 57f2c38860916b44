import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Where ossbatch keeps state that outlives a batch (the upload index): `OSSBATCH_STATE_DIR`, else
/// `$XDG_STATE_HOME/ossbatch`, else `~/.local/state/ossbatch`, and `/var/lib/ossbatch` for root.
///
/// The same rule as the state directory of issues 13/15, which another branch adds; when both are on main,
/// this function should become a call to that one (one rule, one place).
package enum StateDirectory {
    package static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let dir = environment["OSSBATCH_STATE_DIR"], !dir.isEmpty { return dir }
        if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") { return xdg + "/ossbatch" }
        if getuid() == 0 { return "/var/lib/ossbatch" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.local/state/ossbatch"
    }
}
