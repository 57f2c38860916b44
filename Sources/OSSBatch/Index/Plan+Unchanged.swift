import Foundation

extension Plan {
    /// `upload.unchanged: skip | copy`: takes the files the target's upload index vouches for out of the jobs
    /// (`UnchangedFilter`). Offline: reads the index and stats files, sends nothing. Without an index file
    /// yet (the first run) nothing is unchanged; an unusable index is a warning and nothing is skipped.
    ///
    /// `readingOnly` (`ossbatch plan`, a dry run): the index is only read, never created, rebuilt or deleted;
    /// one that cannot be read is a warning and the plan counts no file unchanged.
    @discardableResult
    package mutating func skipUnchanged(
        state: StateDirectory = .resolve(),
        readingOnly: Bool = false,
        warnings: inout [String]
    ) -> UnchangedFilter.Result {
        guard upload.unchanged != .upload else { return UnchangedFilter.Result() }
        let path = UploadIndex.path(endpoint: target.endpoint, bucket: target.bucket, in: state)
        guard FileManager.default.fileExists(atPath: path) else { return UnchangedFilter.Result() }
        do {
            // Not checked first: the filter reads every row, and a damaged page fails the read.
            let index =
                readingOnly
                ? try UploadIndex.openForReading(at: path)
                : try UploadIndex.open(at: path, warnings: &warnings, checked: false)
            return try UnchangedFilter.apply(to: &self, index: index)
        } catch {
            warnings.append(
                readingOnly
                    ? "cannot read the upload index \(path): \(error); the plan counts no file unchanged (the index is left as it is)"
                    : "cannot read the upload index \(path): \(error); every file is uploaded"
            )
            return UnchangedFilter.Result()
        }
    }
}
