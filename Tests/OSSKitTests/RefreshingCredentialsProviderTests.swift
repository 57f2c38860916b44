import Foundation
import OSSKit
import OSSProtocol
import Synchronization
import Testing

/// The renewal rule of `RefreshingCredentialsProvider`, on a clock the test moves: cached while fresh, renewed
/// within `min(5 min, lifetime / 3)` of expiry (or past `maxAge`), one renewal shared by concurrent callers,
/// a failed renewal keeps credentials that are still valid, and a rejection renews once.
@Suite struct RefreshingCredentialsProviderTests {
    /// A source issuing numbered credentials that last `lifetime` seconds from the test clock's now, or, with
    /// `sourceAhead`, from its own clock that far ahead of this machine's (its answers then carry their date).
    final class Source: Sendable {
        let clock = Mutex(Date(timeIntervalSince1970: 1_000_000))
        /// How far this machine's wall clock has been stepped (the elapsed clock does not move with it).
        let wallStep = Mutex<TimeInterval>(0)
        let sourceAhead: TimeInterval?
        let fetches = Atomic<Int>(0)
        let failing = Atomic<Bool>(false)
        let lifetime: TimeInterval?
        let delay: Duration

        init(lifetime: TimeInterval?, delay: Duration = .zero, sourceAhead: TimeInterval? = nil) {
            self.lifetime = lifetime
            self.delay = delay
            self.sourceAhead = sourceAhead
        }

        var now: Date { clock.withLock { $0 } }
        var wall: Date { now.addingTimeInterval(wallStep.withLock { $0 }) }
        func advance(_ seconds: TimeInterval) { clock.withLock { $0 += seconds } }

        func fetch() async throws(CredentialsUnavailable) -> TemporaryCredentials {
            if delay > .zero { try? await Task.sleep(for: delay) }
            if failing.load(ordering: .relaxed) { throw CredentialsUnavailable("source down") }
            let n = fetches.add(1, ordering: .relaxed).newValue
            let answeredAt = sourceAhead.map { now.addingTimeInterval($0) }
            return TemporaryCredentials(
                Credentials(accessKeyID: "id-\(n)", accessKeySecret: "secret-\(n)", securityToken: "token-\(n)"),
                expiration: lifetime.map { (answeredAt ?? now).addingTimeInterval($0) },
                answeredAt: answeredAt
            )
        }
    }

    final class EventLog: Sendable {
        private let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    private func provider(
        _ source: Source,
        maxAge: TimeInterval? = nil,
        events: EventLog? = nil
    ) -> RefreshingCredentialsProvider {
        RefreshingCredentialsProvider(
            source: "test source",
            maxAge: maxAge,
            onEvent: { event in events?.append("\(event)") },
            clock: CredentialsClock(wall: { source.wall }, elapsed: { source.now.timeIntervalSince1970 }),
            fetch: { () async throws(CredentialsUnavailable) in try await source.fetch() }
        )
    }

    /// Asks until the provider hands out `id` (a renewal of still-valid credentials runs in the background).
    private func eventually(_ p: RefreshingCredentialsProvider, gives id: String) async throws -> Bool {
        for _ in 0..<400 {
            if try await p.credentials().accessKeyID == id { return true }
            try await Task.sleep(for: .milliseconds(5))
        }
        return false
    }

    @Test func anHourTokenIsCachedThenRenewedFiveMinutesBeforeItExpires() async throws {
        let source = Source(lifetime: 3600)
        let p = provider(source)
        #expect(try await p.credentials().accessKeyID == "id-1")
        source.advance(3600 - 301)
        #expect(try await p.credentials().accessKeyID == "id-1")
        #expect(source.fetches.load(ordering: .relaxed) == 1)
        source.advance(2)
        // Still valid: these are used while the renewal runs.
        #expect(try await eventually(p, gives: "id-2"))
        #expect(source.fetches.load(ordering: .relaxed) == 2)
    }

    @Test func aShortTokenIsRenewedWithAThirdOfItsLifetimeLeft() async throws {
        let source = Source(lifetime: 6)
        let p = provider(source)
        #expect(try await p.credentials().accessKeyID == "id-1")
        source.advance(3.9)
        #expect(try await p.credentials().accessKeyID == "id-1")
        #expect(source.fetches.load(ordering: .relaxed) == 1)
        source.advance(0.2)
        #expect(try await eventually(p, gives: "id-2"))
    }

    @Test func aTwoHourTokenFromASourceThreeHoursBehindThisMachinesClockIsFetchedOnceAndRenewedOnTime() async throws {
        // This machine's clock three hours fast: by it, the token expired an hour before it was issued.
        let source = Source(lifetime: 7200, sourceAhead: -3 * 3600)
        let p = provider(source)
        for _ in 0..<20 { #expect(try await p.credentials().accessKeyID == "id-1") }
        // Renewed five minutes before its end, less the second a `Date` header may hide.
        source.advance(7200 - 302)
        #expect(try await p.credentials().accessKeyID == "id-1")
        #expect(source.fetches.load(ordering: .relaxed) == 1)
        source.advance(2)
        #expect(try await eventually(p, gives: "id-2"))
    }

    @Test func aWallClockSteppedDuringARunNeitherExpiresNorExtendsCredentials() async throws {
        let source = Source(lifetime: 3600)
        let p = provider(source)
        #expect(try await p.credentials().accessKeyID == "id-1")
        source.wallStep.withLock { $0 = 2 * 86400 }
        #expect(try await p.credentials().accessKeyID == "id-1")
        source.wallStep.withLock { $0 = -2 * 86400 }
        source.advance(3600 - 301)
        #expect(try await p.credentials().accessKeyID == "id-1")
        #expect(source.fetches.load(ordering: .relaxed) == 1)
        source.advance(2)
        #expect(try await eventually(p, gives: "id-2"))
    }

    @Test func concurrentCallersShareOneRenewal() async throws {
        let source = Source(lifetime: 60, delay: .milliseconds(200))
        let p = provider(source)
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<50 { group.addTask { try await p.credentials().accessKeyID } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(ids == ["id-1"])
        #expect(source.fetches.load(ordering: .relaxed) == 1)
    }

    @Test func aFailedRenewalKeepsValidCredentialsAndSaysSoThenThrowsOnceTheyExpired() async throws {
        let source = Source(lifetime: 60)
        let events = EventLog()
        let p = provider(source, events: events)
        _ = try await p.credentials()
        source.failing.store(true, ordering: .relaxed)
        source.advance(50)
        #expect(try await p.credentials().accessKeyID == "id-1")
        for _ in 0..<400 where events.all.count < 2 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(events.all.last?.contains("could not refresh the credentials from test source: source down") == true)
        // Not asked again at once: the next background renewal waits `retryAfterFailure`.
        #expect(try await p.credentials().accessKeyID == "id-1")
        source.advance(11)
        await #expect(throws: CredentialsUnavailable.self) { _ = try await p.credentials() }
        source.failing.store(false, ordering: .relaxed)
        #expect(try await p.credentials().accessKeyID == "id-2")
        #expect(events.all.contains { $0.hasPrefix("credentials from test source refreshed") })
        #expect(!events.all.joined().contains("secret-"))
    }

    /// A credentials file broken for the rest of the night (no expiry, re-read every 5 minutes, tried again
    /// every 10 s after a failure) says its failure once per 10 minutes, not every 10 s (thousands of identical
    /// warnings a night); a new reason is said at once.
    @Test func theSameRenewalFailureIsSaidOncePerTenMinutes() async throws {
        let source = Source(lifetime: nil)
        let events = EventLog()
        let p = provider(source, maxAge: 300, events: events)
        _ = try await p.credentials()
        source.failing.store(true, ordering: .relaxed)
        source.advance(300)
        for _ in 0..<60 {  // ten minutes in steps of 10 s, each starting a background renewal that fails
            _ = try await p.credentials()
            try await Task.sleep(for: .milliseconds(5))
            source.advance(10)
        }
        let failures = events.all.filter { $0.contains("could not refresh the credentials from test source") }
        #expect((1...2).contains(failures.count), "\(failures.count) warnings in ten minutes")
    }

    @Test func credentialsWithoutAnExpiryAreReadAgainAfterMaxAge() async throws {
        let source = Source(lifetime: nil)
        let p = provider(source, maxAge: 300)
        #expect(try await p.credentials().accessKeyID == "id-1")
        source.advance(299)
        #expect(try await p.credentials().accessKeyID == "id-1")
        source.advance(2)
        #expect(try await eventually(p, gives: "id-2"))
    }

    /// A credentials file re-read before its agent rotated it gives the same credentials back: said as "the
    /// same ones", not "refreshed" (audit of 72b75db: the log said "refreshed" nine times over a refused token).
    @Test func aRenewalThatGivesTheSameCredentialsBackIsNotCalledARefresh() async throws {
        let events = EventLog()
        let same = Credentials(accessKeyID: "id", accessKeySecret: "secret", securityToken: "token")
        let fetches = Atomic<Int>(0)
        let p = RefreshingCredentialsProvider(
            source: "credentials file f",
            onEvent: { events.append("\($0)") },
            fetch: { () async throws(CredentialsUnavailable) in
                let n = fetches.add(1, ordering: .relaxed).newValue
                let credentials =
                    n < 3 ? same : Credentials(accessKeyID: "id-2", accessKeySecret: "s2", securityToken: "t2")
                return TemporaryCredentials(credentials, expiration: nil, answeredAt: nil)
            }
        )
        _ = try await p.credentials()
        #expect(try await p.credentials(replacing: same) == nil)
        #expect(try await p.credentials(replacing: same)?.accessKeyID == "id-2")
        #expect(
            events.all == [
                "credentials from credentials file f", "credentials from credentials file f asked again: the same ones",
                "credentials from credentials file f refreshed",
            ],
            "\(events.all)"
        )
    }

    @Test func aRejectionRenewsOnceAndARepeatedRejectionOfTheSameCredentialsGetsNothingNew() async throws {
        let source = Source(lifetime: 3600)
        let p = provider(source)
        let first = try await p.credentials()
        let second = try #require(try await p.credentials(replacing: first))
        #expect(second.accessKeyID == "id-2")
        // A second request rejected with the first credentials gets the renewed ones, without another fetch.
        #expect(try await p.credentials(replacing: first)?.accessKeyID == "id-2")
        #expect(source.fetches.load(ordering: .relaxed) == 2)
        // A source that hands out the same credentials again (a file nobody rotated) has nothing newer.
        let fixed = RefreshingCredentialsProvider(source: "fixed") { () throws(CredentialsUnavailable) in
            TemporaryCredentials(Credentials(accessKeyID: "a", accessKeySecret: "b"), expiration: nil)
        }
        let same = try await fixed.credentials()
        #expect(try await fixed.credentials(replacing: same) == nil)
    }

    @Test func staticCredentialsHaveNothingToReplaceARejection() async throws {
        let credentials = Credentials(accessKeyID: "a", accessKeySecret: "b", securityToken: "t")
        let p = StaticCredentialsProvider(credentials)
        #expect(try await p.credentials() == credentials)
        #expect(try await p.credentials(replacing: credentials) == nil)
        #expect(!"\(p)".contains("b)") && !"\(p)".contains("\"t\""))
    }
}

/// A renewal that hangs (a silent STS): a waiter whose task is cancelled (a halted run's request) stops waiting
/// at once; the renewal goes on, and a waiter that was not cancelled gets its result.
@Suite(.timeLimit(.minutes(1))) struct CancelledRenewalWaitTests {
    @Test func aCancelledWaiterStopsAtOnceAndTheOthersGetTheRenewal() async throws {
        let release = AsyncStream<Void>.makeStream()
        let provider = RefreshingCredentialsProvider(source: "slow source") { () async throws(CredentialsUnavailable) in
            for await _ in release.stream { break }
            return TemporaryCredentials(Credentials(accessKeyID: "id", accessKeySecret: "s"), expiration: nil)
        }
        let cancelled = Task { () async -> String in
            do throws(CredentialsUnavailable) {
                return try await provider.credentials().accessKeyID
            } catch {
                return "\(error)"
            }
        }
        let patient = Task { () async throws -> String in try await provider.credentials().accessKeyID }
        try await Task.sleep(for: .milliseconds(100))
        cancelled.cancel()
        // The renewal is let go only once the cancelled wait has ended: without the cancellation reaching it,
        // this waits until the suite's time limit fails it.
        let said = await cancelled.value
        #expect(said.contains("cancelled"), "\(said)")
        release.continuation.yield()
        #expect(try await patient.value == "id")
    }
}
