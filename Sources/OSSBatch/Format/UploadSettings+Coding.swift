import OSSKit

// The `upload` member of reports and plan documents (format 2): the manifest's `upload:` names, delays in
// milliseconds.
extension UploadSettings {
    private enum CodingKeys: String, CodingKey {
        case concurrency
        case filesInFlight = "files_in_flight"
        case partSize = "part_size"
        case multipartThreshold = "multipart_threshold"
        case verify
        case checkpointDir = "checkpoint_dir"
        case retries
        case ifExists = "if_exists"
        case bandwidth
        case unchanged
        case verifyRemote = "verify_remote"
        case stallTimeoutMs = "stall_timeout_ms"
    }

    private enum RetryKeys: String, CodingKey {
        case attempts
        case baseDelayMs = "base_delay_ms"
        case maxDelayMs = "max_delay_ms"
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let r = try c.nestedContainer(keyedBy: RetryKeys.self, forKey: .retries)
        self.init(
            concurrency: try c.decode(Int.self, forKey: .concurrency),
            filesInFlight: try c.decode(Int.self, forKey: .filesInFlight),
            partSize: try c.decode(Int64.self, forKey: .partSize),
            multipartThreshold: try c.decode(Int64.self, forKey: .multipartThreshold),
            verify: try c.decode(VerifyMode.self, forKey: .verify),
            checkpointDir: try c.decode(String.self, forKey: .checkpointDir),
            retry: RetryPolicy(
                attempts: try r.decode(Int.self, forKey: .attempts),
                baseDelay: try r.decode(Double.self, forKey: .baseDelayMs) / 1000,
                maxDelay: try r.decode(Double.self, forKey: .maxDelayMs) / 1000
            ),
            ifExists: try c.decode(IfExists.self, forKey: .ifExists),
            bandwidth: try c.decode(Int64.self, forKey: .bandwidth),
            // Optional (added within format 2): absent means `upload`.
            unchanged: try c.decodeIfPresent(UnchangedPolicy.self, forKey: .unchanged) ?? .upload,
            verifyRemote: try c.decodeIfPresent(RemoteVerification.self, forKey: .verifyRemote)
                ?? RemoteVerification.none,
            // Optional (added within format 2): absent means the default.
            stallTimeout: try c.decodeIfPresent(Double.self, forKey: .stallTimeoutMs).map { $0 / 1000 }
                ?? UploadSettings.defaultStallTimeout
        )
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(concurrency, forKey: .concurrency)
        try c.encode(filesInFlight, forKey: .filesInFlight)
        try c.encode(partSize, forKey: .partSize)
        try c.encode(multipartThreshold, forKey: .multipartThreshold)
        try c.encode(verify, forKey: .verify)
        try c.encode(checkpointDir, forKey: .checkpointDir)
        var r = c.nestedContainer(keyedBy: RetryKeys.self, forKey: .retries)
        try r.encode(retry.attempts, forKey: .attempts)
        try Self.encode(milliseconds: retry.baseDelay * 1000, forKey: .baseDelayMs, in: &r)
        try Self.encode(milliseconds: retry.maxDelay * 1000, forKey: .maxDelayMs, in: &r)
        try c.encode(ifExists, forKey: .ifExists)
        try c.encode(bandwidth, forKey: .bandwidth)
        if unchanged != .upload { try c.encode(unchanged, forKey: .unchanged) }
        if verifyRemote != .none { try c.encode(verifyRemote, forKey: .verifyRemote) }
        if stallTimeout != Self.defaultStallTimeout {
            try c.encode(Int64((stallTimeout * 1000).rounded()), forKey: .stallTimeoutMs)
        }
    }

    /// Whole milliseconds as an integer (`200`, not `200.0`), anything else as it is.
    private static func encode(
        milliseconds: Double,
        forKey key: RetryKeys,
        in c: inout KeyedEncodingContainer<RetryKeys>
    ) throws {
        if milliseconds == milliseconds.rounded(), abs(milliseconds) < 1e15 {
            try c.encode(Int64(milliseconds), forKey: key)
        } else {
            try c.encode(milliseconds, forKey: key)
        }
    }

    /// Settings read from a file drive the engine: values it cannot run with are refused, not trusted.
    func checkUsable() throws(FormatError) {
        func check(_ ok: Bool, _ field: String, _ message: String) throws(FormatError) {
            if !ok { throw FormatError("upload.\(field) \(message)") }
        }
        try check(Self.concurrencyRange.contains(concurrency), "concurrency", "must be \(Self.concurrencyRange)")
        try check(
            Self.filesInFlightRange.contains(filesInFlight),
            "files_in_flight",
            "must be \(Self.filesInFlightRange)"
        )
        try check(partSize > 0 && partSize <= PartPlanner.maximumPartSize, "part_size", "is out of range")
        try check(
            multipartThreshold >= 0 && multipartThreshold <= PartPlanner.maximumPutSize,
            "multipart_threshold",
            "must be 0 to \(PartPlanner.maximumPutSize)"
        )
        // The manifest's bounds: a report edited past them drove the engine into a trap (a bandwidth near
        // Int64.max over a part of 1 byte overflowed the parts in flight; review of b7bf3fd).
        try check(Self.attemptsRange.contains(retry.attempts), "retries.attempts", "must be \(Self.attemptsRange)")
        try check(retry.baseDelay.isFinite && retry.baseDelay >= 0, "retries.base_delay_ms", "must not be negative")
        try check(retry.maxDelay.isFinite && retry.maxDelay >= 0, "retries.max_delay_ms", "must not be negative")
        // Its upper bound only: reports of format 1 may hold caps below 1 KiB/s, which manifests allowed then.
        try check(
            bandwidth >= 0 && bandwidth <= Self.bandwidthRange.upperBound,
            "bandwidth",
            "must be 0 (no cap) to \(Self.bandwidthRange.upperBound)"
        )
        try check(
            stallTimeout.isFinite && Self.stallTimeoutRange.contains(stallTimeout),
            "stall_timeout_ms",
            "must be \(Int(Self.stallTimeoutRange.lowerBound * 1000))...\(Int(Self.stallTimeoutRange.upperBound * 1000))"
        )
    }
}
