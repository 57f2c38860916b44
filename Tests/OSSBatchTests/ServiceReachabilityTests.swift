import OSSProtocol
import Testing

@testable import OSSBatch

/// The rule that tells a dead endpoint from a network blip.
@Suite struct ServiceReachabilityTests {
    /// Distinct job identities (the engine uses each job's tally object).
    private final class Job {}
    private let jobs = (0..<4).map { _ in Job() }
    private func id(_ i: Int) -> ObjectIdentifier { ObjectIdentifier(jobs[i]) }
    private let refused = HTTPTransportError.connect("Couldn't connect to server")

    @Test func eightConnectionFailuresFromTwoJobsMakeTheServiceUnreachable() {
        let r = ServiceReachability()
        for n in 1...7 { #expect(r.failed(refused, job: id(n % 2), gaveUp: false) == nil, "failure \(n)") }
        #expect(!r.leavesJobPending(refused))
        let verdict = r.failed(.reset("Connection reset by peer"), job: id(0), gaveUp: false)
        #expect(verdict?.failures == 8)
        #expect(verdict?.jobs == 2)
        #expect(verdict?.last == .reset("Connection reset by peer"))
        #expect(r.leavesJobPending(refused))
        #expect(r.failed(refused, job: id(1), gaveUp: true) == nil, "the verdict is given once")
    }

    @Test func failuresOfOneJobAloneNeedItToHaveUsedUpItsRetries() {
        let r = ServiceReachability()
        for _ in 1...20 { #expect(r.failed(refused, job: id(0), gaveUp: false) == nil) }
        #expect(r.failed(refused, job: id(0), gaveUp: true)?.jobs == 1)
    }

    @Test func anyAnswerTurnsTheCheckOffForTheRestOfTheRun() {
        let r = ServiceReachability()
        for _ in 1...5 { _ = r.failed(refused, job: id(0), gaveUp: false) }
        r.answered()
        for n in 0..<40 { #expect(r.failed(refused, job: id(n % 4), gaveUp: true) == nil) }
        #expect(!r.leavesJobPending(refused))
    }

    @Test func onlyConnectionLevelFailuresCount() {
        let r = ServiceReachability()
        let others: [HTTPTransportError] = [
            .bodyRead("EIO"), .cancelled, .other(code: 3, message: "URL malformed"),
        ]
        for n in 0..<40 { #expect(r.failed(others[n % 3], job: id(n % 4), gaveUp: true) == nil) }
        // Stalls of requests that will be tried again: a slow service, not a dead one.
        for n in 0..<40 { #expect(r.failed(.stalled("Operation too slow"), job: id(n % 4), gaveUp: false) == nil) }
        for error in [
            HTTPTransportError.connect(""), .timeout(""), .reset(""), .tls(""), .certificate(""),
        ] {
            #expect(error.isConnectionLevel)
        }
        #expect(!HTTPTransportError.bodyRead("").isConnectionLevel)
        #expect(!HTTPTransportError.stalled("").isConnectionLevel, "a connected, slow service is reachable")
    }

    @Test func aRequestThatStalledThroughAllItsAttemptsBeforeAnyAnswerMakesTheServiceUnreachable() {
        let r = ServiceReachability()
        let stall = HTTPTransportError.stalled("Operation too slow. Less than 1024 bytes/sec transferred")
        let verdict = r.failed(stall, job: id(0), gaveUp: true)
        #expect(verdict?.last == stall)
        #expect(r.leavesJobPending(stall))
        // After an answer the same is a job's failure, not the batch's.
        let answered = ServiceReachability()
        answered.answered()
        #expect(answered.failed(stall, job: id(0), gaveUp: true) == nil)
        #expect(!answered.leavesJobPending(stall))
    }
}
