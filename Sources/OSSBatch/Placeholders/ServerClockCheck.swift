import Foundation
import OSSKit
import OSSProtocol

/// Dated keys (`{date}`, `{time}`) name a night by this machine's clock, and a clock days slow would file
/// tonight's snapshot under an older night's keys and overwrite that night. Before `run` resolves them, this
/// machine's clock is compared with OSS's, read from the `Date` header of one unsigned `HEAD` of the bucket:
/// every OSS answer carries one, a refusal (403) included, so no credentials are needed and none are sent.
/// Only an answer OSS made is believed (it names its request: `x-oss-request-id`); a proxy's error page or a
/// cache's stale copy would move `{date}` as wrongly as the clock it is meant to correct.
package enum ServerClockCheck {
    /// What came of the comparison.
    package enum Outcome: Sendable, Equatable {
        /// The clocks agree within `tolerance` (server − local, in seconds): this machine's time is used.
        case agrees(offsetSeconds: Int64)
        /// This machine's clock is off by `offsetSeconds` (server − local): the placeholders use `now`, OSS's
        /// time.
        case corrected(offsetSeconds: Int64, now: Date)
        /// No answer with a readable `Date` (`reason` says why): this machine's time is used.
        case unchecked(reason: String)
    }

    /// Offsets up to this many seconds are left alone: OSS's `Date` has whole seconds and a request takes
    /// time, and a minute moves a dated key only in the minute around midnight.
    package static let toleranceSeconds: Int64 = 60

    /// How long the `HEAD` may take: a service that does not answer gets the batch's own retries, later.
    package static let timeoutSeconds = 10.0

    /// True when a key or key prefix of `manifest` holds `{date}` or `{time}` (whether or not it resolves).
    package static func isNeeded(for manifest: Manifest) -> Bool {
        manifest.files.contains { entry in
            [entry.key, entry.keyPrefix].contains { template in
                template.flatMap { try? KeyTemplate(parsing: $0.value) }?.hasTimePlaceholders ?? false
            }
        }
    }

    /// Compares this machine's clock with the service's at the manifest's `target:` with `overrides`; `nil`
    /// when that target does not resolve (planning reports why, and nothing is sent).
    package static func check(
        _ manifest: Manifest,
        overrides: TargetOverrides,
        transport: any HTTPTransport
    ) async -> Outcome? {
        var ignored: [Diagnostic] = []
        guard let target = TargetResolver(section: manifest.target, overrides: overrides).resolve(into: &ignored),
            let endpoint = try? OSSKit.Endpoint(parsing: target.endpoint)
        else { return nil }
        let bucket = SignableRequest(method: "HEAD", bucket: target.bucket, key: nil)
        let request = HTTPRequest(method: "HEAD", url: endpoint.url(for: bucket, addressing: target.addressing))
        let sent = Date()
        let response: HTTPResponse
        do {
            response = try await transport.send(request, timeout: timeoutSeconds)
        } catch {
            return .unchecked(reason: "\(endpoint) did not answer: \(error)")
        }
        return judge(response, sentAt: sent, receivedAt: Date())
    }

    /// The outcome of `response` to a request sent at `sentAt` and answered at `receivedAt` (this machine's
    /// clock): the middle of the server's second compared with the request's midpoint.
    package static func judge(_ response: HTTPResponse, sentAt: Date, receivedAt: Date) -> Outcome {
        guard response.header("x-oss-request-id") != nil, response.header("Age") == nil else {
            return .unchecked(
                reason: "HTTP \(response.status) without x-oss-request-id, or from a cache: not OSS's answer"
            )
        }
        guard let serverDate = response.header("Date") else {
            return .unchecked(reason: "the answer has no Date header")
        }
        guard let server = SigningTime(serverDate: serverDate) else {
            return .unchecked(reason: "the answer's Date header '\(serverDate)' is not a date between 2000 and 9000")
        }
        let midpoint = sentAt.timeIntervalSince1970 + receivedAt.timeIntervalSince(sentAt) / 2
        // The server's time was somewhere in the second its header names: its middle is the best guess.
        let offset = Int64((Double(server.epochSeconds) + 0.5 - midpoint).rounded())
        guard abs(offset) > toleranceSeconds else { return .agrees(offsetSeconds: offset) }
        return .corrected(offsetSeconds: offset, now: receivedAt.addingTimeInterval(TimeInterval(offset)))
    }
}
