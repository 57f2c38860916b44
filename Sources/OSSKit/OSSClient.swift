import OSSProtocol

/// The OSS operations an uploader needs, signed, retried per `RetryPolicy`, integrity-checked.
/// Knows nothing of manifests or batches. Every method throws `OSSError`.
///
/// The operations live in `OSSClient+Objects.swift`, `OSSClient+Multipart.swift` and
/// `OSSClient+Listing.swift`; signing and the retry loop in `OSSClient+Perform.swift`.
public final class OSSClient: Sendable, CustomStringConvertible {
    public let configuration: OSSClientConfiguration
    /// Asked for the credentials of every request (cached there; renewed before they expire).
    public let credentials: any CredentialsProvider
    /// What every request goes through; its `bodyBytesSent` is the batch's progress in bytes.
    public let transport: any HTTPTransport
    let endpoint: Result<Endpoint, EndpointError>
    let clock = ClockSkew()

    /// A client signing with fixed credentials.
    public convenience init(
        configuration: OSSClientConfiguration,
        credentials: Credentials,
        transport: any HTTPTransport
    ) {
        self.init(
            configuration: configuration,
            credentialsProvider: StaticCredentialsProvider(credentials),
            transport: transport
        )
    }

    /// A client asking `credentialsProvider` for the credentials of each request.
    public init(
        configuration: OSSClientConfiguration,
        credentialsProvider: any CredentialsProvider,
        transport: any HTTPTransport
    ) {
        self.configuration = configuration
        self.credentials = credentialsProvider
        self.transport = transport
        // A bad endpoint is reported by the first call (as curl's "URL malformed"), keeping `init` non-throwing.
        self.endpoint = Result { () throws(EndpointError) in try Endpoint(parsing: configuration.endpoint) }
    }

    public var description: String {
        "OSSClient(\(configuration.endpoint), region: \(configuration.region), \(configuration.signature.rawValue), \(credentials))"
    }

    /// Seconds added to the local clock when signing, learnt from `RequestTimeTooSkewed` answers, or given
    /// (`assumeClockOffset`).
    public var clockOffset: Int64 { clock.offset }

    /// Signs from now on at this machine's clock plus `seconds`: an offset learnt before the client existed
    /// (`ossbatch run`'s clock check), so that the first request is not refused as `RequestTimeTooSkewed`.
    public func assumeClockOffset(_ seconds: Int64) { clock.offset = seconds }
}
