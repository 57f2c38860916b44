import DequeModule
import Foundation
import OSSProtocol
import Synchronization

/// Paces a batch's attempts while the service throttles them (`OSSServiceError.isThrottling`: over the
/// account's requests a second, its traffic, ...), so that the batch goes at the pace the service allows
/// instead of spending its files' attempts on refusals.
///
/// Unpaced, 16 requests in flight against a limit of 20 a second had most attempts refused: 75 files of 600
/// used up their attempts and failed (LocalOSS's `passPerSecond`). Holding the requests as for a lost service
/// (`ServiceReachability`) failed fewer but went at a probe every 5 s: five times slower.
///
/// The pace is a rate of attempts. At a refusal it becomes `cut` × what the service let through in the last
/// second (the requests it answered otherwise), or × the pace if that is less: OSS's limits are per second, so
/// the last second's answers measure the limit (or the last `answerWindow`'s a second, if more: under a slow
/// pace, or uploads that take longer than a second, the last second often holds no answer at all). At most one
/// cut a second, and none for the refusal of an attempt let go before the last cut (sent at the old pace, it says
/// nothing of the new one). Between refusals the pace grows by `growth` a second while the service answers, so it
/// finds the limit again, and more when the service allows more; it never goes under one attempt every
/// `slowestInterval` (a lost service's probe interval) nor over `fastest`. After `quietFor` without a refusal,
/// the service answering, attempts go unpaced again.
///
/// The attempts waiting are let go one at a time, in the order they asked, each when the pace allows it (a
/// bucket of tokens filled at the pace): nothing is promised ahead, so a cut, the pace's growth and the end of
/// pacing apply at once to the requests already waiting (a first version gave each a moment in advance: 32
/// requests behind a pace of one every 5 s waited their 160 s however fast the pace grew meanwhile).
final class RequestPacer: Sendable {
    /// What the pace becomes at a refusal, as a fraction of the last second's answers (or of the pace).
    static let cut = 0.7
    /// How much the pace grows in a second without a refusal.
    static let growth = 0.1
    /// The fastest pace, in attempts a second: an account's limit (10,000 a second) is below it. A pace grown
    /// that far is no limit; a refusal then cuts it to what the service answered.
    static let fastest = 100_000.0
    /// How far back answers are kept, for a measure of slow paces.
    static let answerWindow: Duration = .seconds(10)
    /// The least time between two cuts.
    static let cutEvery: Duration = .seconds(1)
    /// How long without a refusal before attempts go unpaced again.
    static let quietFor: Duration = .seconds(60)
    /// The longest a waiting request sleeps before it asks again (the pace may have changed).
    static let longestWait: Duration = .milliseconds(250)

    /// What a request's next attempt does (`turn(for:)`).
    enum Turn: Sendable, Equatable {
        case go
        /// Waits this long, then asks again.
        case wait(Duration)
    }

    /// A change of pacing, for the log.
    enum Change: Sendable, Equatable {
        /// The service refused an attempt for coming too fast (`refusal`): attempts are paced at `rate` a second.
        /// `episode`: 1 for the first time this run, 2 for the next, ...
        case began(rate: Double, refusal: OSSServiceError, episode: Int)
        /// No refusal for `quietFor`: attempts go unpaced again, after being paced this long.
        case ended(pacedFor: Duration)
    }

    private struct Waiting {
        var request: Int
        var ticket: Int
    }

    private struct State {
        /// Attempts a second while paced; `nil`: not paced.
        var rate: Double?
        /// Attempts that may go now (refilled at the pace, up to a tenth of a second's worth, at least one).
        var tokens = 0.0
        /// When the pace was last grown and the tokens refilled; last cut; when pacing began; the last refusal.
        var updated: ContinuousClock.Instant?
        var lastCut: ContinuousClock.Instant?
        var pacedSince: ContinuousClock.Instant?
        var lastRefusal: ContinuousClock.Instant?
        var episodes = 0
        /// The requests waiting, in the order they asked (the line may still hold requests that left).
        var line = Deque<Waiting>()
        var waiting: [Int: Int] = [:]
        var nextTicket = 0
        /// When each request's attempt was let go (to tell refusals of attempts sent before a cut).
        var letGo: [Int: ContinuousClock.Instant] = [:]
        /// When the service answered requests otherwise in the last `answerWindow`, oldest first.
        var answered = Deque<ContinuousClock.Instant>()
    }

    private let state = Mutex(State())
    private let now: @Sendable () -> ContinuousClock.Instant
    /// The slowest pace's interval: at most the watchdog's quarter, as the lost service's probes.
    let slowestInterval: Duration

    init(
        slowestInterval: Duration = ServiceReachability.defaultProbeEvery,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        self.slowestInterval = slowestInterval
        self.now = now
    }

    /// The pace (attempts a second), `nil` when attempts are not paced.
    var rate: Double? { state.withLock { $0.rate } }

    /// Whether request `request`'s next attempt may go now, or how long it waits before asking again; and
    /// whether pacing ended with this ask.
    func turn(for request: Int) -> (Turn, [Change]) {
        let at = now()
        return state.withLock { s in
            let changes = endIfQuiet(&s, at: at)
            guard s.rate != nil else {
                s.waiting[request] = nil
                s.letGo[request] = at
                return (.go, changes)
            }
            advance(&s, at: at)
            let rate = s.rate ?? Self.fastest
            let ticket: Int
            if let held = s.waiting[request] {
                ticket = held
            } else {
                ticket = s.nextTicket
                s.nextTicket += 1
                s.waiting[request] = ticket
                s.line.append(Waiting(request: request, ticket: ticket))
            }
            while let first = s.line.first, s.waiting[first.request] != first.ticket { s.line.removeFirst() }
            let ahead = Double(ticket - (s.line.first?.ticket ?? ticket))
            if ahead == 0, s.tokens >= 1 {
                s.tokens -= 1
                s.line.removeFirst()
                s.waiting[request] = nil
                s.letGo[request] = at
                return (.go, changes)
            }
            // Roughly when its turn comes (the requests ahead that left are counted: it asks again later than
            // needed, at most `longestWait`).
            let due = max(0.001, (ahead + 1 - s.tokens) / rate)
            return (.wait(min(.seconds(due), Self.longestWait)), changes)
        }
    }

    /// The service answered request `request` with anything but a refusal for coming too fast.
    func answered(_ request: Int) {
        let at = now()
        state.withLock { s in
            s.letGo[request] = nil
            s.answered.append(at)
            trimAnswered(&s, at: at)
        }
    }

    /// Request `request` ended, or gave up waiting (a stop): it leaves the line.
    func ended(_ request: Int) {
        state.withLock { s in
            s.letGo[request] = nil
            s.waiting[request] = nil
        }
    }

    /// Request `request`'s attempt was refused for coming too fast (`error`). Returns the changes of pacing.
    func refused(_ request: Int, with error: OSSServiceError) -> [Change] {
        let at = now()
        return state.withLock { s in
            var changes = endIfQuiet(&s, at: at)
            s.lastRefusal = at
            let sent = s.letGo.removeValue(forKey: request)
            trimAnswered(&s, at: at)
            let allowed = allowedRate(s, at: at)
            guard let rate = s.rate else {
                let pace = bounded(Self.cut * allowed)
                s.episodes += 1
                (s.rate, s.tokens, s.updated, s.lastCut, s.pacedSince) = (pace, 0, at, at, at)
                changes.append(.began(rate: pace, refusal: error, episode: s.episodes))
                return changes
            }
            // Grown to now first: a cut applies to the pace as it is, and the time before it is not grown later.
            advance(&s, at: at)
            if let cut = s.lastCut, at - cut < Self.cutEvery || (sent.map { $0 < cut } ?? false) { return changes }
            s.rate = bounded(Self.cut * min(s.rate ?? rate, allowed))
            s.tokens = min(s.tokens, 1)
            s.lastCut = at
            return changes
        }
    }

    /// `rate` attempts a second, as the log says it.
    static func rateText(_ rate: Double) -> String {
        let tenths = (rate * 10).rounded() / 10
        if tenths >= 10 { return "\(Int(rate.rounded())) attempts a second" }
        if tenths >= 1 { return "\(tenths) attempts a second" }
        return "one attempt every \((10 / rate).rounded() / 10) s"
    }

    private func bounded(_ rate: Double) -> Double {
        min(Self.fastest, max(1 / slowestInterval.seconds, rate))
    }

    /// The pace grown, and the tokens refilled, to `at`. It grows only while the service answers (an answer
    /// within the last three attempts' time, or second): through an outage it stays, where it grew 45-fold in a
    /// 40-s one and the held requests then went in a burst that was refused (an audit).
    private func advance(_ s: inout State, at: ContinuousClock.Instant) {
        guard let rate = s.rate, let updated = s.updated, at > updated else { return }
        let elapsed = (at - updated).seconds
        s.tokens = min(max(1, rate / 10), s.tokens + rate * elapsed)
        if let answer = s.answered.last, at - answer <= .seconds(max(1, 3 / rate)) {
            s.rate = min(Self.fastest, rate * pow(1 + Self.growth, elapsed))
        }
        s.updated = at
    }

    /// Pacing ends after `quietFor` without a refusal, if the service answered since (one that answers nothing
    /// refuses nothing either: an outage was logged as the end of pacing).
    private func endIfQuiet(_ s: inout State, at: ContinuousClock.Instant) -> [Change] {
        guard let last = s.lastRefusal, let since = s.pacedSince, at - last >= Self.quietFor,
            let answer = s.answered.last, answer > last
        else { return [] }
        (s.rate, s.tokens, s.updated, s.lastCut, s.pacedSince) = (nil, 0, nil, nil, nil)
        s.line.removeAll()
        s.waiting.removeAll()
        return [.ended(pacedFor: at - since)]
    }

    private func trimAnswered(_ s: inout State, at: ContinuousClock.Instant) {
        while let first = s.answered.first, at - first > Self.answerWindow { s.answered.removeFirst() }
    }

    /// What the service let through a second: the last second's answers, or the last `answerWindow`'s a second
    /// if more.
    private func allowedRate(_ s: State, at: ContinuousClock.Instant) -> Double {
        var lastSecond = 0
        for instant in s.answered.reversed() {
            guard at - instant <= .seconds(1) else { break }
            lastSecond += 1
        }
        return max(Double(lastSecond), Double(s.answered.count) / Self.answerWindow.seconds)
    }
}
