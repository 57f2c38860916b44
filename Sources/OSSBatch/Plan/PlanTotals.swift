/// What a plan adds up to.
package struct PlanTotals: Sendable, Hashable {
    package var files = 0
    package var bytes: Int64 = 0
    package var singlePuts = 0
    package var multipartJobs = 0
    package var parts = 0
    /// Files found but not to be uploaded (`Plan.skipped`) because they cannot be read or listed, or their names
    /// are not UTF-8; not in the counts above.
    package var skipped = 0
    /// Files the upload index vouches for (`upload.unchanged`), and their bytes; not in the counts above.
    package var unchanged = 0
    package var unchangedBytes: Int64 = 0

    package init(
        files: Int = 0,
        bytes: Int64 = 0,
        singlePuts: Int = 0,
        multipartJobs: Int = 0,
        parts: Int = 0,
        skipped: Int = 0
    ) {
        self.files = files
        self.bytes = bytes
        self.singlePuts = singlePuts
        self.multipartJobs = multipartJobs
        self.parts = parts
        self.skipped = skipped
    }
}
