import Synchronization

/// Counts request-body bytes and applies the optional send-rate limit shared by every transfer of a client.
///
/// `bytesSent` is atomic (read by any thread); everything else is touched only on the driver thread,
/// from inside curl's callbacks or the driver loop.
final class SendMeter: @unchecked Sendable {
    let bytesSent = Atomic<Int64>(0)
    private var bucket: TokenBucket?
    /// Transfers whose read callback returned `CURL_READFUNC_PAUSE` and wait for tokens, the longest waiting
    /// first: they take turns (`takeTurn()`).
    var paused: [Transfer] = []
    /// The most a transfer let go may send before it waits again, behind the others: a few of curl's read
    /// callbacks' worth, or a quarter of the bucket at high rates (fewer turns a second).
    let bytesPerTurn: Int64
    /// The transfers let go at the last turn, and what each may still send: while others wait, only they may
    /// take tokens.
    private var turn: [ObjectIdentifier: Int64] = [:]

    init(bytesPerSecond: Int64) {
        bucket = bytesPerSecond > 0 ? TokenBucket(bytesPerSecond: bytesPerSecond) : nil
        bytesPerTurn = max(16 * 1024, (bucket?.capacity ?? 0) / 4)
    }

    /// How many of `wanted` bytes `transfer` may send now; 0 means pause (and wait for a turn). While transfers
    /// wait, one gets tokens only at its turn and up to `bytesPerTurn`: a transfer that was never paused, or one
    /// curl kept sending, would otherwise take every token as it came, in curl's order, and the others wait for
    /// it to end.
    func grant(_ wanted: Int64, to transfer: Transfer) -> Int64 {
        guard bucket != nil else { return wanted }
        let id = ObjectIdentifier(transfer)
        guard !paused.isEmpty else { return bucket!.take(upTo: wanted) }
        let granted = bucket!.take(upTo: min(wanted, turn[id] ?? 0))
        if granted == 0 {
            turn[id] = nil
        } else {
            turn[id]! -= granted
        }
        return granted
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
    /// it, then the ones that have waited longest, as many as the tokens would serve (at least one). Letting
    /// every waiting transfer go at once let curl serve them in the order they were added, so the earliest took
    /// every token each time and a transfer added later waited for all of them to end: under a cap, small
    /// uploads beside large ones went under curl's low-speed limit and failed as stalled.
    func takeTurn() -> ArraySlice<Transfer> {
        paused.removeAll { !$0.isPaused }
        guard !paused.isEmpty, canResume() else { return [] }
        var count = paused.count
        if bucket != nil { count = min(count, max(1, Int(bucket!.available() / bytesPerTurn))) }
        defer { paused.removeFirst(count) }
        turn = Dictionary(uniqueKeysWithValues: paused.prefix(count).map { (ObjectIdentifier($0), bytesPerTurn) })
        return paused.prefix(count)
    }

    /// How long the driver may sleep before it should look at paused transfers again.
    var resumeDelayMilliseconds: Int {
        guard let bucket else { return 1 }
        return min(50, bucket.millisecondsUntilResume)
    }
}
