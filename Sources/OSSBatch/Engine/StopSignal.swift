/// The signal that interrupted a batch: it decides the exit status (128 + the signal's number, as a shell
/// reports a process the signal killed), so a supervisor can tell its own SIGTERM from an operator's ^C.
package enum StopSignal: String, Sendable {
    case sigint = "SIGINT"
    case sigterm = "SIGTERM"
    /// The terminal or session the run was started in went away (or `kill -HUP`); not under `nohup`.
    case sighup = "SIGHUP"

    package var exitStatus: ExitStatus {
        switch self {
        case .sigint: .interrupted
        case .sigterm: .terminated
        case .sighup: .hungUp
        }
    }
}
