import Foundation

extension Plan {
    /// `upload.unchanged: skip | copy`: takes the files the target's upload index vouches for out of the jobs
    /// (`UnchangedFilter`). Offline: reads the index and stats files, sends nothing. Without an index file
    /// yet (the first run) nothing is unchanged; an unusable index is a warning and nothing is skipped.
    @discardableResult
    package mutating func skipUnchanged(
        state: StateDirectory = .resolve(),
        warnings: inout [String]
    ) -> UnchangedFilter.Result {
        guard upload.unchanged != .upload else { return UnchangedFilter.Result() }
        let path = UploadIndex.path(endpoint: target.endpoint, bucket: target.bucket, in: state)
        guard FileManager.default.fileExists(atPath: path) else { return UnchangedFilter.Result() }
        do {
            // Not checked first: the filter reads every row, and a damaged page fails the read.
            let index = try UploadIndex.open(at: path, warnings: &warnings, checked: false)
            return try UnchangedFilter.apply(to: &self, index: index)
        } catch {
            warnings.append("cannot read the upload index \(path): \(error); every file is uploaded")
            return UnchangedFilter.Result()
        }
    }
}
