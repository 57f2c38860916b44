import Foundation
import OSSKit
import OSSProtocol

/// `ossbatch uploads`: lists the open multipart uploads of a bucket under a prefix (every page), older
/// than an age if asked, with their parts if asked, and aborts them if asked — never one a local batch
/// holds (`UploadHolds`, and the lock of its key, taken around each abort as `abort` does).
package struct OpenUploadsSweep: Sendable {
    package struct Result: Sendable, Encodable {
        package var uploads: [OpenUpload] = []
        /// Open uploads under the prefix left out because they are younger than `--older-than`.
        package var newer = 0

        private enum CodingKeys: String, CodingKey { case uploads, newer }

        package func count(_ action: OpenUpload.Action) -> Int { uploads.count { $0.action == action } }
    }

    let client: OSSClient
    let bucket: String
    let prefix: String
    let olderThan: TimeInterval?
    let state: StateDirectory
    let extraCheckpointDirectories: [String]

    package init(
        client: OSSClient,
        bucket: String,
        prefix: String,
        olderThan: TimeInterval?,
        state: StateDirectory,
        extraCheckpointDirectories: [String] = []
    ) {
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
        self.olderThan = olderThan
        self.state = state
        self.extraCheckpointDirectories = extraCheckpointDirectories
    }

    /// The open uploads under the prefix (old enough), each with the hold a local batch has on it. Throws
    /// the `OSSError` of a listing that failed.
    ///
    /// Ages are measured by the server's clock, as its `Initiated` times are: now is this machine's clock plus
    /// the offset the client learnt from a `RequestTimeTooSkewed` answer (a clock more than OSS's 15 minutes
    /// off gets one on the listing). By this machine's clock alone, one 3 days fast found the upload another
    /// machine had started 6 s before "72 h old", and `--abort` gave it up under that machine's running batch.
    package func list(parts withParts: Bool) async throws -> Result {
        let listed = try await client.listMultipartUploads(bucket: bucket, prefix: prefix)
        let now = Date().addingTimeInterval(TimeInterval(client.clockOffset))
        let holds = UploadHolds.scan(state: state, extraCheckpointDirectories: extraCheckpointDirectories)
        let keyLocks = try? KeyLocks.forBucket(bucket, in: state)
        var result = Result()
        for summary in listed {
            let initiated = Timestamp.parse(summary.initiated)
            let age = initiated.map { now.timeIntervalSince($0) }
            if let olderThan {
                // An upload whose time cannot be read is not known to be old: left out.
                guard let age, age >= olderThan else {
                    result.newer += 1
                    continue
                }
            }
            var upload = OpenUpload(
                key: summary.key,
                uploadID: summary.uploadID,
                initiated: summary.initiated,
                ageSeconds: age.map { Int64($0.rounded(.down)) }
            )
            upload.hold =
                holds.byUploadID[summary.uploadID]
                ?? keyLocks?.holder(of: summary.key).map { UploadHold(reason: .keyInUse, holder: $0) }
            if withParts {
                do {
                    let parts = try await client.listParts(bucket: bucket, key: summary.key, uploadID: summary.uploadID)
                    upload.parts = parts.count
                    upload.bytes = parts.reduce(0) { $0.saturatingAdd($1.size) }
                } catch {
                    upload.error = "ListParts: \(error)"
                }
            }
            result.uploads.append(upload)
        }
        return result
    }

    /// Aborts every upload of `listed` that no local batch holds, each under its key's lock; the others
    /// are `left` with their hold. Throws `StateFileError` when the key locks cannot be used (nothing is
    /// aborted then).
    package func abort(_ listed: Result) async throws -> Result {
        let keyLocks = try KeyLocks.forBucket(bucket, in: state)
        // Found once: a batch that starts later holds its keys' locks while it works on them.
        let directories = UploadHolds.checkpointDirectories(state: state, extra: extraCheckpointDirectories)
        var result = listed
        for i in result.uploads.indices {
            let upload = result.uploads[i]
            if upload.hold != nil {
                result.uploads[i].action = .left
                continue
            }
            if let busy = try keyLocks.lock(upload.key) {
                result.uploads[i].hold = UploadHold(reason: .keyInUse, holder: busy.holder)
                result.uploads[i].action = .left
                continue
            }
            defer { keyLocks.unlock(upload.key) }
            // Under the key's lock, no batch can start or continue this key: look once more, for a batch that
            // took the upload over since the listing.
            if let hold = UploadHolds.scan(directories).byUploadID[upload.uploadID] {
                result.uploads[i].hold = hold
                result.uploads[i].action = .left
                continue
            }
            do {
                try await client.abortMultipartUpload(bucket: bucket, key: upload.key, uploadID: upload.uploadID)
                result.uploads[i].action = .aborted
            } catch let error as OSSError where error.code == .noSuchUpload {
                result.uploads[i].action = .alreadyGone
            } catch {
                result.uploads[i].action = .failed
                result.uploads[i].error = "\(error)"
            }
        }
        return result
    }
}
