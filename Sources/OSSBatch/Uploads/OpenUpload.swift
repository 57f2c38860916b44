import Foundation

/// One open multipart upload as `ossbatch uploads` shows it: what ListMultipartUploads said, its parts
/// (with `--parts`), whether a local batch holds it, and what `--abort` did with it.
package struct OpenUpload: Sendable, Encodable {
    /// What `--abort` did.
    package enum Action: String, Sendable, Encodable {
        case aborted
        /// It was gone when aborted (completed or aborted meanwhile).
        case alreadyGone = "already_gone"
        /// A local batch holds it (`hold` says which).
        case left
        case failed
    }

    package var key: String
    package var uploadID: String
    /// As OSS wrote it (ISO 8601, UTC).
    package var initiated: String
    /// Seconds since it was initiated, `nil` when OSS's time cannot be read.
    package var ageSeconds: Int64?
    /// Parts uploaded and their bytes (`--parts`).
    package var parts: Int?
    package var bytes: Int64?
    package var hold: UploadHold?
    package var action: Action?
    /// Why ListParts or the abort failed (OSS error code and request id included).
    package var error: String?

    package init(key: String, uploadID: String, initiated: String, ageSeconds: Int64?) {
        self.key = key
        self.uploadID = uploadID
        self.initiated = initiated
        self.ageSeconds = ageSeconds
    }

    private enum CodingKeys: String, CodingKey {
        case key
        case uploadID = "upload_id"
        case initiated
        case ageSeconds = "age_seconds"
        case parts, bytes, hold, action, error
    }
}
