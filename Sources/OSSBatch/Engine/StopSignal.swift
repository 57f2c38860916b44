/// The signal that interrupted a batch: it decides the exit status (128 + the signal's number, as a shell
/// reports a process the signal killed), so a supervisor can tell its own SIGTERM from an operator's ^C.
package enum StopSignal: String, Sendable {
    case sigint = "SIGINT"
    case sigterm = "SIGTERM"

    package var exitStatus: ExitStatus {
        switch self {
        case .sigint: .interrupted
        case .sigterm: .terminated
        }
    }
}
