/// Why a batch stops taking new work before the end.
enum StopReason: Sendable {
    /// SIGINT or SIGTERM.
    case interrupted(StopSignal)
    /// An error that every request would hit (bad credentials, missing bucket, access denied, an endpoint
    /// that cannot be reached).
    case fatal(JobError)
    /// Another batch is uploading a key this batch would upload.
    case busy(BusyError)
}
