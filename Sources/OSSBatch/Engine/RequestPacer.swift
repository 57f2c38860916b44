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
/// the last second's answers measure the limit. At most one cut a second, and none for the refusal of an attempt
/// let go before the last cut (sent at the old pace, it says nothing of the new one). Between refusals the pace
/// grows by `growth` a second, so it finds the limit again, and more when the service allows more; it never
/// goes under `slowest` (one attempt every 5 s: a lost service's probes). After `quietFor` without a refusal,
/// attempts go unpaced again. Each attempt is given its moment, `1 / rate` after the one before: the requests
/// waiting wake one at a time, not all at once to race for it.
final class RequestPacer: Sendable {
    /// What the pace becomes at a refusal, as a fraction of the last second's answers (or of the pace).
    static let cut = 0.7
    /// How much the pace grows in a second without a refusal.
    static let growth = 0.1
    /// The slowest pace, in attempts a second.
    static let slowest = 0.2
    /// The least time between two cuts.
    static let cutEvery: Duration = .seconds(1)
    /// How long without a refusal before attempts go unpaced again.
    static let quietFor: Duration = .seconds(30)

    /// A change of pacing, for the log.
    enum Change: Sendable, Equatable {
        /// The service refused an attempt for coming too fast (`refusal`): attempts are paced at `rate` a second.
        case began(rate: Double, refusal: OSSServiceError)
        /// No refusal for `quietFor`: attempts go unpaced again, after being paced this long.
        case ended(pacedFor: Duration)
    }

    private struct State {
        /// Attempts a second while paced; `nil`: not paced.
        var rate: Double?
        /// When the pace was last grown, last cut, and pacing began; the last refusal.
        var grown: ContinuousClock.Instant?
        var lastCut: ContinuousClock.Instant?
        var pacedSince: ContinuousClock.Instant?
        var lastRefusal: ContinuousClock.Instant?
        /// The moment the next attempt may go.
        var nextSlot: ContinuousClock.Instant?
        /// When each request's attempt was let go (to tell refusals of attempts sent before a cut).
        var letGo: [Int: ContinuousClock.Instant] = [:]
        /// The requests the service answered otherwise in the last second, oldest first.
        var answered = Deque<ContinuousClock.Instant>()
    }

    private let state = Mutex(State())
    private let now: @Sendable () -> ContinuousClock.Instant

    init(now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) { self.now = now }

    /// The pace (attempts a second), `nil` when attempts are not paced.
    var rate: Double? { state.withLock { $0.rate } }

    /// Request `request`'s next attempt is about to go: how long it waits first (`.zero`: it goes now), and
    /// whether pacing ended with this ask. The moment is the request's: it goes when the wait is over.
    func wait(for request: Int) -> (Duration, Change?) {
        let at = now()
        return state.withLock { s in
            var change: Change?
            if let last = s.lastRefusal, let since = s.pacedSince, at - last >= Self.quietFor {
                change = .ended(pacedFor: at - since)
                (s.rate, s.grown, s.lastCut, s.pacedSince, s.nextSlot) = (nil, nil, nil, nil, nil)
            }
            guard var rate = s.rate else {
                s.letGo[request] = at
                return (.zero, change)
            }
            if let grown = s.grown { rate *= pow(1 + Self.growth, (at - grown).seconds) }
            (s.rate, s.grown) = (rate, at)
            let slot = max(at, s.nextSlot ?? at)
            s.nextSlot = slot + .seconds(1 / rate)
            s.letGo[request] = slot
            return (slot - at, change)
        }
    }

    /// The service answered request `request` with anything but a refusal for coming too fast: it ended.
    func answered(_ request: Int) {
        let at = now()
        state.withLock { s in
            s.letGo[request] = nil
            s.answered.append(at)
            while let first = s.answered.first, at - first > .seconds(1) { s.answered.removeFirst() }
        }
    }

    /// Request `request` ended without an answer of the service (a transport failure, given up).
    func ended(_ request: Int) {
        _ = state.withLock { $0.letGo.removeValue(forKey: request) }
    }

    /// Request `request`'s attempt was refused for coming too fast (`error`). Returns the change when pacing
    /// begins with it.
    func refused(_ request: Int, with error: OSSServiceError) -> Change? {
        let at = now()
        return state.withLock { s in
            s.lastRefusal = at
            let sent = s.letGo.removeValue(forKey: request)
            while let first = s.answered.first, at - first > .seconds(1) { s.answered.removeFirst() }
            let allowed = Double(s.answered.count)
            guard let rate = s.rate else {
                let pace = max(Self.slowest, Self.cut * allowed)
                (s.rate, s.grown, s.lastCut, s.pacedSince, s.nextSlot) = (pace, at, at, at, at)
                return .began(rate: pace, refusal: error)
            }
            if let cut = s.lastCut, at - cut < Self.cutEvery || (sent.map { $0 < cut } ?? false) { return nil }
            (s.rate, s.lastCut) = (max(Self.slowest, Self.cut * min(rate, allowed)), at)
            return nil
        }
    }

    /// `rate` attempts a second, as the log says it.
    static func rateText(_ rate: Double) -> String {
        rate >= 1 ? "\(Int(rate.rounded())) attempts a second" : "one attempt every \(Int((1 / rate).rounded())) s"
    }
}
