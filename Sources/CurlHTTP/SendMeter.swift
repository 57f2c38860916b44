import Synchronization

/// Counts request-body bytes and applies the optional send-rate limit shared by every transfer of a client.
///
/// `bytesSent` is atomic (read by any thread); everything else is touched only on the driver thread,
/// from inside curl's callbacks or the driver loop.
final class SendMeter: @unchecked Sendable {
    let bytesSent = Atomic<Int64>(0)
    private var bucket: TokenBucket?
    /// Transfers whose read callback returned `CURL_READFUNC_PAUSE`: they wait for tokens, or for the next
    /// round (`takeTurn()`).
    var paused: [Transfer] = []
    /// What a transfer may send in one round: a few of curl's read callbacks' worth, or a quarter of the
    /// bucket at high rates.
    let bytesPerRound: Int64
    /// What each transfer may still send in this round (deficit round robin). A transfer that has sent its
    /// share waits, paused, until every waiting transfer has sent its own; then a new round gives each a share.
    /// Without rounds every paused transfer was let go at once and curl served them in the order they were
    /// added: the earliest took every token each time, and a transfer added later waited for all of them to
    /// end (under a cap, small uploads beside large ones went under curl's low-speed limit and failed as
    /// stalled on a healthy server).
    private var shares: [ObjectIdentifier: Int64] = [:]

    init(bytesPerSecond: Int64) {
        bucket = bytesPerSecond > 0 ? TokenBucket(bytesPerSecond: bytesPerSecond) : nil
        bytesPerRound = max(16 * 1024, (bucket?.capacity ?? 0) / 4)
    }

    /// How many of `wanted` bytes `transfer` may send now: within what is left of its share of the round
    /// (a transfer new to the meter has a whole share) and of the bucket. 0 means pause.
    func grant(_ wanted: Int64, to transfer: Transfer) -> Int64 {
        guard bucket != nil else { return wanted }
        let id = ObjectIdentifier(transfer)
        let share = shares[id] ?? bytesPerRound
        let granted = share > 0 ? bucket!.take(upTo: min(wanted, share)) : 0
        shares[id] = share - granted
        return granted
    }

    /// `transfer` ended: it has no share any more (another transfer may come to have its identifier).
    func forget(_ transfer: Transfer) {
        shares[ObjectIdentifier(transfer)] = nil
    }

    func record(_ count: Int64) {
        bytesSent.add(count, ordering: .relaxed)
    }

    /// True when paused transfers may be resumed now.
    func canResume() -> Bool {
        guard bucket != nil else { return true }
        return bucket!.canResume()
    }

    /// The paused transfers to let go now (taken off `paused`): none until the bucket holds enough to be worth
    /// it; then, once every waiting transfer has sent its share, a new round (a share for every transfer the
    /// meter knows); and every waiting transfer with something left of its share is let go.
    func takeTurn() -> [Transfer] {
        paused.removeAll { !$0.isPaused }
        guard !paused.isEmpty, canResume() else { return [] }
        guard bucket != nil else {
            defer { paused.removeAll() }
            return paused
        }
        if paused.allSatisfy({ (shares[ObjectIdentifier($0)] ?? 0) <= 0 }) {
            for id in shares.keys { shares[id] = bytesPerRound }
        }
        let going = paused.filter { (shares[ObjectIdentifier($0)] ?? 0) > 0 }
        paused.removeAll { (shares[ObjectIdentifier($0)] ?? 0) > 0 }
        return going
    }

    /// How long the driver may sleep before it should look at paused transfers again.
    var resumeDelayMilliseconds: Int {
        guard let bucket else { return 1 }
        return min(50, bucket.millisecondsUntilResume)
    }
}
