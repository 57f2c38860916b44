import Foundation
import OSSProtocol
import Synchronization

/// The offset between the server's clock and ours, learnt from `RequestTimeTooSkewed` answers; every request
/// is signed at `now()` so a machine with a wrong clock still authenticates after one failed attempt.
final class ClockSkew: Sendable {
    private let offsetSeconds = Mutex<Int64>(0)

    /// Local time corrected by the learnt offset.
    func now() -> SigningTime {
        let local = Int64(Date().timeIntervalSince1970.rounded(.down))
        return SigningTime(epochSeconds: local + offsetSeconds.withLock { $0 })
    }

    var offset: Int64 {
        get { offsetSeconds.withLock { $0 } }
        set { offsetSeconds.withLock { $0 = newValue } }
    }

    /// Adopts the server's `Date` header; returns false when it is missing, unreadable or not believable
    /// (`SigningTime.believableServerTimes`).
    @discardableResult
    func correct(serverDate: String?) -> Bool {
        guard let serverDate, let server = SigningTime(serverDate: serverDate) else { return false }
        let local = Int64(Date().timeIntervalSince1970.rounded(.down))
        offsetSeconds.withLock { $0 = server.epochSeconds - local }
        return true
    }
}
