import Foundation
import OSSKit

/// Which open multipart uploads of a key no checkpoint knows: the one rule the engine applies after every
/// Initiate and `ossbatch abort` applies to unfinished jobs.
enum StrayUploads {
    /// How far the server's clock may be from ours (OSS refuses requests skewed by more).
    static let clockSkewAllowance: TimeInterval = 15 * 60

    /// The uploads of exactly `key` (listings match by prefix) other than `keeping`, started at or after
    /// `since` less the clock-skew allowance. An upload whose start time cannot be read is left alone.
    static func select(
        _ open: [MultipartUploadSummary],
        key: String,
        startedSince since: Date,
        keeping: String? = nil
    ) -> [MultipartUploadSummary] {
        let cutoff = since.addingTimeInterval(-clockSkewAllowance)
        return open.filter { upload in
            upload.key == key && upload.uploadID != keeping
                && Timestamp.parse(upload.initiated).map { $0 >= cutoff } == true
        }
    }
}
