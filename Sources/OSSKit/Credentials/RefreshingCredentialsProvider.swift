import Foundation
import OSSProtocol
import Synchronization

/// Credentials from a source that can renew them (an STS token from the ECS metadata service or
/// AssumeRoleWithOIDC, a credentials file re-read): cached, renewed ahead of expiry, one renewal at a time.
///
/// - Renewed when less than `min(5 minutes, a third of their lifetime)` is left, or, for credentials without an
///   expiry, when older than `maxAge`: in the background while the cached ones are still valid (requests go
///   on with them), awaited when they have expired. One renewal at a time, whoever asks. The lifetime is the
///   expiry less the source's own time when it answered (its `Date`; this machine's wall clock only for an
///   answer without one), counted down from the request on a monotonic clock (`CredentialsClock`): a wall
///   clock hours off, or stepped during the run, changes nothing.
/// - A renewal that fails while the cached credentials are still valid keeps them (and says so through
///   `onEvent`), and is tried again `retryAfterFailure` later; once they have expired, the failure is thrown.
/// - `credentials(replacing:)` renews at once and waits, unless another request already renewed.
public final class RefreshingCredentialsProvider: CredentialsProvider {
    /// What happened, for the log. Never contains a secret or a token.
    public enum Event: Sendable, CustomStringConvertible {
        /// The first credentials.
        case obtained(source: String, expiration: Date?)
        /// A renewal.
        case refreshed(source: String, expiration: Date?)
        /// A renewal that gave back the credentials already held (a credentials file not rotated yet).
        case unchanged(source: String, expiration: Date?)
        case refreshFailed(source: String, reason: String, keptUntil: Date?)

        public var description: String {
            switch self {
            case .obtained(let source, let expiration):
                return "credentials from \(source)"
                    + (expiration.map { "; valid until \(Self.format($0))" } ?? "")
            case .refreshed(let source, let expiration):
                return "credentials from \(source) refreshed"
                    + (expiration.map { "; valid until \(Self.format($0))" } ?? "")
            case .unchanged(let source, let expiration):
                return "credentials from \(source) asked again: the same ones"
                    + (expiration.map { "; valid until \(Self.format($0))" } ?? "")
            case .refreshFailed(let source, let reason, let kept):
                return "could not refresh the credentials from \(source): \(reason)"
                    + (kept.map { "; the current ones stay valid until \(Self.format($0))" } ?? "")
            }
        }

        static func format(_ date: Date) -> String {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime]
            return formatter.string(from: date)
        }
    }

    /// Names the source in messages: `ECS RAM role 'etl'`, `credentials file ~/.oss/credentials`.
    public let source: String
    private let maxAge: TimeInterval?
    private let fetch: @Sendable () async throws(CredentialsUnavailable) -> TemporaryCredentials
    private let onEvent: @Sendable (Event) -> Void
    private let clock: CredentialsClock
    private let state = Mutex(State())

    private struct State {
        var current: TemporaryCredentials?
        /// When `current` came, on `clock.elapsed`.
        var fetchedAt = -TimeInterval.infinity
        /// How long `current` was valid when it came (`nil`: no expiry).
        var lifetime: TimeInterval?
        var renewal: Task<TemporaryCredentials, any Error>?
        /// Bumped by every completed renewal, so a caller can tell whether one happened since it looked.
        var generation = 0
        /// When the last renewal failed, on `clock.elapsed` (background renewals wait `retryAfterFailure`).
        var lastFailure: TimeInterval?
        /// The last failed renewal said (`Event.refreshFailed`): its reason, and when, on `clock.elapsed`.
        var lastSaidFailure: (reason: String, at: TimeInterval)?
    }

    /// How long the same failure of renewals is said once only: a credentials file broken for the rest of a
    /// night (made 0644 by a configuration tool) failed every 10 s, and said so every time, under `--quiet`
    /// too: thousands of identical warnings in the night's cron mail (review of e4ab55a).
    public static let repeatedFailureQuiet: TimeInterval = 600

    /// How long after a failed background renewal the next one starts (a source that is down is not asked
    /// once per request).
    public static let retryAfterFailure: TimeInterval = 10

    /// - Parameters:
    ///   - maxAge: how long credentials without an expiry are kept before the source is asked again (`nil`:
    ///     until OSS refuses them).
    ///   - fetch: asks the source; called for the first credentials and for every renewal, never twice at once.
    ///   - clock: this machine's clocks (tests move their own).
    public init(
        source: String,
        maxAge: TimeInterval? = nil,
        onEvent: @escaping @Sendable (Event) -> Void = { _ in },
        clock: CredentialsClock = .system,
        fetch: @escaping @Sendable () async throws(CredentialsUnavailable) -> TemporaryCredentials
    ) {
        self.source = source
        self.maxAge = maxAge
        self.fetch = fetch
        self.onEvent = onEvent
        self.clock = clock
    }

    public var description: String { "RefreshingCredentialsProvider(\(source))" }

    public func credentials() async throws(CredentialsUnavailable) -> Credentials {
        let (cached, age, lifetime, generation, lastFailure) = state.withLock {
            ($0.current, clock.elapsed() - $0.fetchedAt, $0.lifetime, $0.generation, $0.lastFailure)
        }
        if let cached, !needsRenewal(age: age, lifetime: lifetime) { return cached.credentials }
        if let cached, !Self.isExpired(age: age, lifetime: lifetime) {
            // Still valid: renew in the background, sign with these meanwhile.
            if lastFailure.map({ clock.elapsed() - $0 >= Self.retryAfterFailure }) ?? true {
                _ = renewal(after: generation)
            }
            return cached.credentials
        }
        return try await renew(after: generation).credentials
    }

    public func credentials(replacing rejected: Credentials) async throws(CredentialsUnavailable) -> Credentials? {
        let (cached, generation) = state.withLock { ($0.current, $0.generation) }
        if let cached, cached.credentials != rejected { return cached.credentials }  // already renewed
        let renewed = try await renew(after: generation)
        return renewed.credentials == rejected ? nil : renewed.credentials
    }

    /// Whether credentials `age` seconds old that were valid for `lifetime` when they came are due for
    /// renewal: past `maxAge` (no lifetime), or within `min(5 min, lifetime / 3)` of expiring.
    private func needsRenewal(age: TimeInterval, lifetime: TimeInterval?) -> Bool {
        guard let lifetime else {
            guard let maxAge else { return false }
            return age >= maxAge
        }
        let margin = min(5 * 60, max(lifetime, 0) / 3)
        return lifetime - age <= margin
    }

    private static func isExpired(age: TimeInterval, lifetime: TimeInterval?) -> Bool {
        guard let lifetime else { return false }
        return age >= lifetime
    }

    private enum Next {
        case renewed(TemporaryCredentials)
        case wait(Task<TemporaryCredentials, any Error>)
    }

    /// Joins the renewal in flight, or starts one, unless one completed after `generation` (then its result).
    private func renew(after generation: Int) async throws(CredentialsUnavailable) -> TemporaryCredentials {
        let task: Task<TemporaryCredentials, any Error>
        switch renewal(after: generation) {
        case .renewed(let current): return current
        case .wait(let running): task = running
        }
        do {
            // A halted run's requests stop waiting at once; the renewal goes on for whoever else waits.
            return try await CancellableWait.value(of: task)
        } catch is CancellationError {
            throw CredentialsUnavailable("\(source): the wait for renewed credentials was cancelled")
        } catch let error as CredentialsUnavailable {
            throw error
        } catch {
            throw CredentialsUnavailable("\(source): \(error)")
        }
    }

    /// The renewal in flight, or a new one, or the result of one completed after `generation`.
    private func renewal(after generation: Int) -> Next {
        state.withLock { s in
            if s.generation > generation, let current = s.current { return .renewed(current) }
            if let running = s.renewal { return .wait(running) }
            let fetch = self.fetch
            let clock = self.clock
            let started = Task { () async throws -> TemporaryCredentials in
                // The age is counted from the request: the answer may have taken a while to come.
                let asked = clock.elapsed()
                let result: Result<TemporaryCredentials, CredentialsUnavailable>
                do throws(CredentialsUnavailable) {
                    result = .success(try await fetch())
                } catch {
                    result = .failure(error)
                }
                self.finish(result, askedAt: asked)
                return try result.get()
            }
            s.renewal = started
            return .wait(started)
        }
    }

    /// Records the result of a fetch that was asked for at `askedAt` (on `clock.elapsed`).
    private func finish(_ result: Result<TemporaryCredentials, CredentialsUnavailable>, askedAt: TimeInterval) {
        let now = clock.elapsed()
        // A `Date` header has whole seconds: the source's time was up to a second later than it says.
        let answeredAt = (try? result.get()).map { $0.answeredAt.map { $0 + 1 } ?? clock.wall() }
        let (previous, previousStillValid, saidAlready) = state.withLock { s in
            // The same failure said less than `repeatedFailureQuiet` ago is not said again.
            var saidAlready = false
            if case .failure(let error) = result, let said = s.lastSaidFailure, said.reason == error.message,
                now - said.at < Self.repeatedFailureQuiet
            {
                saidAlready = true
            }
            defer {
                s.renewal = nil
                switch result {
                case .success(let renewed):
                    s.current = renewed
                    s.fetchedAt = askedAt
                    s.lifetime = answeredAt.flatMap { answered in
                        renewed.expiration.map { $0.timeIntervalSince(answered) }
                    }
                    s.generation += 1
                    s.lastFailure = nil
                    s.lastSaidFailure = nil
                case .failure(let error):
                    s.lastFailure = now
                    if !saidAlready { s.lastSaidFailure = (error.message, now) }
                }
            }
            return (s.current, !Self.isExpired(age: now - s.fetchedAt, lifetime: s.lifetime), saidAlready)
        }
        let first = previous == nil
        guard case .success(let renewed) = result else {
            // A failed first fetch is thrown to its caller; a failed renewal of valid credentials is only said.
            if case .failure(let error) = result, let previous, previousStillValid, !saidAlready {
                onEvent(.refreshFailed(source: source, reason: error.message, keptUntil: previous.expiration))
            }
            return
        }
        // The same credentials back (a file re-read before its agent rotated it) are not a renewal: said as
        // such, or the log read "refreshed" over a token OSS keeps refusing (audit of 72b75db).
        if let previous, previous.credentials == renewed.credentials {
            onEvent(.unchanged(source: source, expiration: renewed.expiration))
            return
        }
        onEvent(
            first
                ? .obtained(source: source, expiration: renewed.expiration)
                : .refreshed(source: source, expiration: renewed.expiration)
        )
    }
}
