/// How many descriptors a run holds open, and settings lowered to fit a limit: past it, opening a source file,
/// a connection or a checkpoint fails with EMFILE and the job fails. Measured on a run of 3,000 small and 40
/// multipart files (peak of `/proc/PID/fd`): 260 at concurrency 100, 659 at 300; at concurrency and
/// files_in_flight 512 under a soft limit of 1,024, 1,778 of 3,040 jobs failed.
extension UploadSettings {
    /// Descriptors besides the request slots': the report's journal and locks, the key locks, the upload
    /// index (database, WAL, shared memory), the transport's own, the standard ones (about 60 measured).
    package static let descriptorsBeyondRequests = 64

    /// At most: per request slot a connection and the file whose bytes it sends; per multipart file in
    /// flight, its source, held between its parts.
    package var descriptorsNeeded: Int { Self.descriptorsBeyondRequests + 2 * concurrency + filesInFlight }

    /// These settings, with `concurrency` and `filesInFlight` lowered so that `descriptorsNeeded` fits in
    /// `limit` (at least one of each), or nil when they fit as they are.
    package func fitted(toOpenFiles limit: Int) -> UploadSettings? {
        guard descriptorsNeeded > limit else { return nil }
        let room = max(0, limit - Self.descriptorsBeyondRequests)
        var fitted = self
        fitted.concurrency = min(concurrency, max(1, room / 3))
        fitted.filesInFlight = min(filesInFlight, max(1, room - 2 * fitted.concurrency))
        return fitted
    }
}
