import OSSProtocol

/// The `encoding-type` of a request whose answer names keys (the listings, Initiate, Complete), as OSS takes
/// it: absent (or empty), the fields that hold keys are sent as they are; `url`, they are percent-encoded
/// (every byte but `A-Za-z0-9-_.~` and `/`, so a space is `%20` and a `+` is `%2B`, which every SDK decodes
/// alike) and the answer says `<EncodingType>url</EncodingType>`; any other value is refused with 400
/// `InvalidArgument`. Without it a key holding a character XML 1.0 cannot carry makes the answer unreadable,
/// and a carriage return reaches the client as a line feed.
enum ResponseKeyEncoding {
    case none
    case url

    init(_ request: OSSRequest) throws(OSSRequestError) {
        switch request.query["encoding-type"] {
        case nil, "": self = .none
        case "url": self = .url
        case let value?:
            throw OSSRequestError(
                400,
                .invalidArgument,
                "Invalid Encoding Method specified in Request",
                ec: "0017-00000001",
                extra: [("ArgumentName", "encoding-type"), ("ArgumentValue", value)]
            )
        }
    }

    /// `value` encoded as asked.
    func encode(_ value: String) -> String { self == .url ? PercentEncoding.encode(value, keepSlash: true) : value }

    /// `<name>value</name>` with `value` encoded as asked.
    func element(_ name: String, _ value: String) -> String { XMLText.element(name, encode(value)) }

    /// The answer's `EncodingType` element, or nothing when keys are sent as they are.
    var declaration: String { self == .url ? XMLText.element("EncodingType", "url") : "" }
}
