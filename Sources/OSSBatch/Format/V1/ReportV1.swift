import OSSKit
import OSSProtocol

/// Reads `ossbatch-report/1`, what the first release wrote — Swift's property names as keys, job lines
/// `{"spec":{…},"outcome":{…}}` with every job's options in full — into today's types. Never written: a
/// report read this way is written as format 2 the next time.
///
/// The member names of these types are the format-1 keys: they must not be renamed.
enum ReportV1 {
    static let format = "ossbatch-report/1"

    struct Header: Decodable {
        var status: RunStatus
        var planID: String
        var manifest: String
        var target: Endpoint
        var upload: Upload
        var credentials: CredentialsFile?
        var allowEmpty: Bool
        var createdAt: String
        var updatedAt: String
        var fatalError: Failure?
        var runs: [Run]

        func report(jobs: [ReportJob]) -> Report {
            Report(
                status: status,
                planID: planID,
                manifest: manifest,
                target: Target(
                    endpoint: target.endpoint,
                    region: target.region,
                    bucket: target.bucket,
                    signature: target.signature,
                    addressing: target.addressing
                ),
                upload: UploadSettings(
                    concurrency: upload.concurrency,
                    filesInFlight: upload.filesInFlight,
                    partSize: upload.partSize,
                    multipartThreshold: upload.multipartThreshold,
                    verify: upload.verify,
                    checkpointDir: upload.checkpointDir,
                    retry: RetryPolicy(
                        attempts: upload.retry.attempts,
                        baseDelay: upload.retry.baseDelay,
                        maxDelay: upload.retry.maxDelay
                    ),
                    ifExists: upload.ifExists,
                    bandwidth: upload.bandwidth
                ),
                credentials: credentials.map { CredentialsSource(file: $0.file, profile: $0.profile) },
                allowEmpty: allowEmpty,
                createdAt: createdAt,
                updatedAt: updatedAt,
                fatalError: fatalError?.jobError,
                runs: runs.map {
                    RunRecord(
                        command: $0.command,
                        startedAt: $0.startedAt,
                        finishedAt: $0.finishedAt,
                        status: $0.status,
                        exitCode: $0.exitCode
                    )
                },
                jobs: jobs
            )
        }
    }

    struct Endpoint: Decodable {
        var endpoint: String
        var region: String
        var bucket: String
        var signature: SignatureVersion
        var addressing: Addressing
    }

    struct Upload: Decodable {
        var concurrency: Int
        var filesInFlight: Int
        var partSize: Int64
        var multipartThreshold: Int64
        var verify: VerifyMode
        var checkpointDir: String
        var retry: Retry
        var ifExists: IfExists
        var bandwidth: Int64
    }

    struct Retry: Decodable {
        var attempts: Int
        var baseDelay: Double
        var maxDelay: Double
    }

    struct CredentialsFile: Decodable {
        var file: String
        var profile: String
    }

    struct Run: Decodable {
        var command: String
        var startedAt: String
        var finishedAt: String?
        var status: RunStatus
        var exitCode: Int32?
    }

    struct Failure: Decodable {
        var code: String
        var message: String
        var httpStatus: Int?
        var requestID: String?
        var ec: String?

        var jobError: JobError {
            JobError(code: code, message: message, httpStatus: httpStatus, requestID: requestID, ec: ec)
        }
    }

    /// One job line.
    struct Job: Decodable {
        var spec: Spec
        var outcome: Outcome

        /// Format 1 wrote the key twice; a line whose two keys differ is damaged (which object the outcome
        /// is about cannot be told), and is refused rather than read as either.
        func reportJob() throws(FormatError) -> ReportJob {
            let (spec, outcome) = (try spec.uploadJob(), try outcome.jobOutcome())
            guard ExactString.same(outcome.key, spec.key) else {
                throw FormatError("the outcome's key '\(outcome.key)' is not the job's key '\(spec.key)'")
            }
            return ReportJob(spec: spec, outcome: outcome)
        }
    }

    struct Spec: Decodable {
        var source: String
        var key: String
        var identity: Identity
        var options: Options
        var method: Method

        func uploadJob() throws(FormatError) -> UploadJob {
            let identity = try identity.sourceIdentity()
            return UploadJob(
                source: source,
                key: key,
                identity: identity,
                options: options.objectOptions,
                method: try method.uploadMethod(size: identity.size)
            )
        }
    }

    struct Identity: Decodable {
        var size: Int64
        var mtimeNanoseconds: Int64
        var inode: UInt64
        var device: UInt64

        func sourceIdentity() throws(FormatError) -> SourceIdentity {
            guard size >= 0 else { throw FormatError("'size' \(size) is negative") }
            return SourceIdentity(size: size, mtimeNanoseconds: mtimeNanoseconds, inode: inode, device: device)
        }
    }

    /// `{"kind":"put"}` or `{"kind":"multipart","partSize":…,"partCount":…}`.
    struct Method: Decodable {
        var kind: String
        var partSize: Int64?
        var partCount: Int?

        func uploadMethod(size: Int64) throws(FormatError) -> UploadMethod {
            switch (kind, partSize, partCount) {
            case ("put", _, _): return .put
            case ("multipart", let partSize?, let partCount?):
                return .multipart(try PartPlan.validated(partSize: partSize, partCount: partCount, fileSize: size))
            default: throw FormatError("upload method '\(kind)' not understood")
            }
        }
    }

    struct Options: Decodable {
        var contentType: String?
        var acl: ObjectACL
        var storageClass: StorageClass
        var metadata: [String: String]
        var tags: [String: String]
        var cacheControl: String?
        var contentDisposition: String?
        var contentEncoding: String?
        var forbidOverwrite: Bool
        var callback: Callback?

        var objectOptions: ObjectOptions {
            ObjectOptions(
                contentType: contentType,
                acl: acl,
                storageClass: storageClass,
                metadata: metadata,
                tags: tags,
                cacheControl: cacheControl,
                contentDisposition: contentDisposition,
                contentEncoding: contentEncoding,
                forbidOverwrite: forbidOverwrite,
                callback: callback.map {
                    UploadCallback(url: $0.url, host: $0.host, body: $0.body, bodyType: $0.bodyType, vars: $0.vars)
                }
            )
        }
    }

    struct Callback: Decodable {
        var url: String
        var host: String?
        var body: String
        var bodyType: String?
        var vars: [String: String]
    }

    /// A job's outcome; its `method` and `finishedAt` have no place in format 2 (the method is the job's).
    struct Outcome: Decodable {
        var key: String
        var status: JobStatus
        var uploadID: String?
        var etag: String?
        var crc64: String?
        var attempts: Int
        var bytesSent: Int64
        var partsReused: Int?
        var durationSeconds: Double
        var callback: CallbackReply?
        var checkpoint: String?
        var error: Failure?
        var warnings: [String]?

        func jobOutcome() throws(FormatError) -> JobOutcome {
            let milliseconds = (durationSeconds * 1000).rounded()
            guard milliseconds.isFinite, milliseconds >= 0, milliseconds < 1e15 else {
                throw FormatError("'durationSeconds' \(durationSeconds) is out of range")
            }
            return JobOutcome(
                key: key,
                status: status,
                uploadID: uploadID,
                etag: etag,
                crc64: crc64,
                attempts: attempts,
                bytesSent: bytesSent,
                partsReused: partsReused,
                durationMilliseconds: Int64(milliseconds),
                callback: callback.map { CallbackResult(status: $0.status, body: $0.body) },
                checkpoint: checkpoint,
                error: error?.jobError,
                warnings: warnings
            )
        }
    }

    struct CallbackReply: Decodable {
        var status: Int
        var body: String
    }
}
