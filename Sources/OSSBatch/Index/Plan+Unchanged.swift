import Foundation
import LocalFiles

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
        do {
            if readingOnly {
                // Only a file that is not there means a first night: one `plan` may not reach is a warning.
                if Self.isMissing(path) { return UnchangedFilter.Result() }
                let index = try UploadIndex.openForReading(at: path)
                let result = try UnchangedFilter.apply(to: &self, index: index)
                if index.changedSinceOpened {
                    warnings.append(
                        "the upload index \(path) changed while the plan read it (a run beside it); the unchanged count may be off"
                    )
                }
                return result
            }
            guard FileManager.default.fileExists(atPath: path) else { return UnchangedFilter.Result() }
            // Not checked first: the filter reads every row, and a damaged page fails the read.
            let index = try UploadIndex.open(at: path, warnings: &warnings, checked: false)
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

    /// Whether nothing is at `path` (`ENOENT`); another error (a directory `plan` may not search) is not.
    private static func isMissing(_ path: String) -> Bool {
        do {
            _ = try FileStatus.lstat(path)
            return false
        } catch {
            return error.errno == ENOENT
        }
    }
}
