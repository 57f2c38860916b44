import OSSProtocol

/// A request body for PutObject and UploadPart.
public typealias ObjectBody = HTTPRequestBody
