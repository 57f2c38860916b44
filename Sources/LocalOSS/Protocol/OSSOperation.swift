/// The OSS operations LocalOSS understands, named as in OSS's API reference.
public enum OSSOperation: String, Sendable, Codable, CaseIterable {
    case putObject = "PutObject"
    case getObject = "GetObject"
    case headObject = "HeadObject"
    case deleteObject = "DeleteObject"
    case initiateMultipartUpload = "InitiateMultipartUpload"
    case uploadPart = "UploadPart"
    case completeMultipartUpload = "CompleteMultipartUpload"
    case listParts = "ListParts"
    case abortMultipartUpload = "AbortMultipartUpload"
    case listMultipartUploads = "ListMultipartUploads"
    case listObjectsV2 = "ListObjectsV2"
    case copyObject = "CopyObject"
    case uploadPartCopy = "UploadPartCopy"
    /// `HEAD` of the bucket: what `ossbatch run` sends, unsigned, to read the service's clock from the answer's
    /// `Date` (OSS refuses it 403 on a private bucket; the date is what counts). 200 when it passes.
    case headBucket = "HeadBucket"
    /// A request LocalOSS cannot map to an operation (answered 400/405).
    case unknown = "Unknown"
}

extension OSSOperation {
    /// Classifies a request by method, whether it names an object, its sub-resources and whether it carries
    /// `x-oss-copy-source` (a PUT with one is a copy, not an upload).
    static func classify(method: String, hasKey: Bool, query: [String: String], copies: Bool = false) -> OSSOperation {
        switch (method, hasKey) {
        case ("PUT", true):
            let part = query["uploadId"] != nil || query["partNumber"] != nil
            if copies { return part ? .uploadPartCopy : .copyObject }
            return part ? .uploadPart : .putObject
        case ("GET", true): return query["uploadId"] != nil ? .listParts : .getObject
        case ("HEAD", true): return .headObject
        case ("DELETE", true): return query["uploadId"] != nil ? .abortMultipartUpload : .deleteObject
        case ("POST", true):
            if query["uploads"] != nil { return .initiateMultipartUpload }
            return query["uploadId"] != nil ? .completeMultipartUpload : .unknown
        case ("HEAD", false): return .headBucket
        case ("GET", false):
            if query["uploads"] != nil { return .listMultipartUploads }
            return .listObjectsV2
        default: return .unknown
        }
    }
}
