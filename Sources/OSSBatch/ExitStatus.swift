/// The process exit codes of `ossbatch`, as documented for users and scripts.
public enum ExitStatus: Int32, Sendable {
    /// Every job succeeded (or was skipped), or `plan` found the manifest valid.
    case success = 0
    /// The batch ran, and some jobs failed.
    case jobsFailed = 1
    /// An invalid manifest or command line.
    case invalidInput = 2
    /// A fatal condition before or during the run (no credentials, missing bucket, access denied).
    case fatal = 3
    /// Interrupted by SIGINT/SIGTERM.
    case interrupted = 130
}
