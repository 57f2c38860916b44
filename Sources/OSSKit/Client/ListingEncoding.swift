import OSSProtocol

/// How a listing answer carries its keys. The client asks for `encoding-type=url`: raw, a key with a control
/// character XML 1.0 cannot carry (`\u{1}`, ESC, U+FFFF) makes the whole answer unreadable, and the XML
/// parser turns a key's carriage return into a line feed (end-of-line normalization), so two keys become
/// one. OSS then says `<EncodingType>url</EncodingType>` and percent-encodes the fields that hold keys
/// (ListObjectsV2: `Key`, `Prefix`, `StartAfter`, `Delimiter`, `ContinuationToken`, `NextContinuationToken`;
/// ListMultipartUploads: `Key`, `KeyMarker`, `NextKeyMarker`, `Prefix`, `Delimiter`; ListParts: `Key`). A
/// server that ignores the parameter sends no `EncodingType` and the fields as they are.
struct ListingEncoding {
    let operation: String
    let requestID: String
    /// Whether the answer's key fields are percent-encoded.
    let urlEncoded: Bool

    /// Reads `root`'s `EncodingType`; a value other than `url` is an answer whose keys cannot be read.
    init(_ root: XMLNode, operation: String, requestID: String) throws(OSSError) {
        self.operation = operation
        self.requestID = requestID
        switch root.text(of: "EncodingType") {
        case nil: urlEncoded = false
        case let value? where value.lowercased() == "url": urlEncoded = true
        case let value?:
            throw .invalidResponse(
                "\(operation): EncodingType '\(value.prefix(32))' is not url; its keys cannot be read",
                requestID: requestID
            )
        }
    }

    /// The value of the answer's field `field` (named in the error): decoded exactly when the answer is
    /// URL-encoded, else as it is. A malformed escape throws: a guessed key would be a wrong key.
    func decode(_ text: String, field: String) throws(OSSError) -> String {
        guard urlEncoded else { return text }
        guard let decoded = PercentEncoding.decodeExactly(text) else {
            throw .invalidResponse(
                "\(operation): \(field) '\(text.prefix(100))' is not valid URL encoding (encoding-type=url)",
                requestID: requestID
            )
        }
        return decoded
    }
}
