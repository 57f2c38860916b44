import CurlHTTP
import OSSProtocol
import Synchronization
import Testing

@testable import OSSBatch

/// The rules that tell a dead or lost endpoint from a network blip.
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
        #expect(verdict?.last == .transport(.reset("Connection reset by peer")))
        #expect(verdict?.lostFor == nil, "never answered")
        #expect(r.leavesJobPending(refused))
        #expect(r.failed(refused, job: id(1), gaveUp: true) == nil, "the verdict is given once")
    }

    @Test func failuresOfOneJobAloneNeedItToHaveUsedUpItsRetries() {
        let r = ServiceReachability()
        for _ in 1...20 { #expect(r.failed(refused, job: id(0), gaveUp: false) == nil) }
        #expect(r.failed(refused, job: id(0), gaveUp: true)?.jobs == 1)
    }

    @Test func anyAnswerTurnsTheFirstCheckOffForTheRestOfTheRun() {
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
        #expect(verdict?.last == .transport(stall))
        #expect(r.leavesJobPending(stall))
        // After an answer the same is a job's failure, not the batch's.
        let answered = ServiceReachability()
        answered.answered()
        #expect(answered.failed(stall, job: id(0), gaveUp: true) == nil)
        #expect(!answered.leavesJobPending(stall))
    }

    // MARK: - A service lost after it answered

    private let serviceUnavailable = OSSServiceError(
        httpStatus: 503,
        code: OSSErrorCode(rawValue: "ServiceUnavailable"),
        message: "Please reduce your request rate.",
        requestID: "5C3D9175B6FC201293AD****"
    )

    /// A reachability check that has seen one answer, on `clock`, lost after 60 s.
    private func answered(_ clock: TestClock) -> ServiceReachability {
        let r = ServiceReachability(lostAfter: .seconds(60)) { clock.now }
        r.answered()
        return r
    }

    @Test func aServiceThatOnlyFailsForTheWholeWindowAfterAnsweringIsLost() {
        let clock = TestClock()
        let r = answered(clock)
        // Refused connections from two jobs, every 5 s: nothing until the window has passed since the first.
        for n in 0..<12 {
            #expect(r.failed(refused, job: id(n % 2), gaveUp: n % 3 == 0) == nil, "at \(n * 5) s")
            clock.advance(.seconds(5))
        }
        #expect(!r.leavesJobPending(refused))
        let verdict = r.failed(.timeout("Connection timed out after 10000 ms"), job: id(0), gaveUp: false)
        #expect(verdict?.lostFor == .seconds(60))
        #expect(verdict?.failures == 13 && verdict?.jobs == 2)
        #expect(verdict?.last == .transport(.timeout("Connection timed out after 10000 ms")))
        #expect(r.leavesJobPending(refused), "the jobs the stop cuts off stay to resume")
        #expect(r.failed(refused, job: id(1), gaveUp: true) == nil, "the verdict is given once")
    }

    @Test func serverErrorsCountAsFailuresBut501AndOtherAnswersShowAWorkingService() {
        let clock = TestClock()
        let r = answered(clock)
        for n in 0..<7 {
            #expect(r.answered(with: serviceUnavailable, job: id(n % 2)) == nil)
            clock.advance(.seconds(10))
        }
        // A 404 (or any answer below 500) is the service working: the 503 right after it, the eighth failure
        // 70 s after the first, starts a new window instead of ending the batch.
        var notFound = serviceUnavailable
        notFound.httpStatus = 404
        notFound.code = OSSErrorCode(rawValue: "NoSuchKey")
        #expect(r.answered(with: notFound, job: id(2)) == nil)
        #expect(r.answered(with: serviceUnavailable, job: id(0)) == nil)
        // So is a 501 (the service lacks one operation).
        var notImplemented = serviceUnavailable
        notImplemented.httpStatus = 501
        clock.advance(.seconds(50))
        #expect(r.answered(with: notImplemented, job: id(1)) == nil)
        for n in 0..<7 {
            #expect(r.answered(with: serviceUnavailable, job: id(n % 2)) == nil)
            clock.advance(.seconds(10))
        }
        let verdict = r.answered(with: serviceUnavailable, job: id(0))
        #expect(verdict?.lostFor == .seconds(70))
        #expect(verdict?.onlyServerErrors == true, "the message says the service answers, only with 5xx")
        #expect(verdict?.last.description.contains("ServiceUnavailable (HTTP 503)") == true)
        #expect(verdict?.last.description.contains("[request id 5C3D9175B6FC201293AD****]") == true)
    }

    /// A 503 that says the batch came over a limit (`TotalQpsLimitExceeded`) is the service there, pacing the
    /// batch (`RequestPacer`): it holds no request, however many come, nor ends a holding that failures began (a
    /// first version released the held requests at a refusal and said the service worked again); but it does not
    /// show the service working either: a window of nothing else is a verdict, which says so.
    @Test func refusalsForComingTooFastNeitherHoldNorReleaseRequestsButCountTowardsTheVerdict() {
        let clock = TestClock()
        let r = ServiceReachability(lostAfter: .seconds(60), probeEvery: .seconds(5)) { clock.now }
        r.answered()
        let request = r.began()
        var throttled = serviceUnavailable
        throttled.code = OSSErrorCode(rawValue: "TotalQpsLimitExceeded")
        for n in 0..<20 { #expect(r.answered(with: throttled, job: id(n % 2)) == nil) }
        #expect(r.turn(for: request) == (.go, nil), "a throttled service is answering: nothing is held")
        r.retrying(request, after: .zero)
        for n in 0..<8 { _ = r.failed(refused, job: id(n % 2), gaveUp: false) }
        #expect(r.turn(for: request).0 == .probe, "eight failures hold the requests")
        r.retrying(request, after: .zero)
        _ = r.answered(with: throttled, job: id(0))
        clock.advance(.seconds(5))
        #expect(r.turn(for: request) == (.probe, nil), "a refusal is no sign that the service works: still held")
        r.retrying(request, after: .zero)
        r.ended(request)
        // Nothing but refusals and failures for the window: the verdict, as for any 5xx.
        clock.advance(.seconds(55))
        let verdict = r.answered(with: throttled, job: id(1))
        #expect(verdict?.lostFor == .seconds(60))
        #expect(verdict?.failures == 30, "every refusal and failure since the service last worked")
        #expect(verdict?.mostlyThrottling == true, "22 refusals of 30")
        #expect(verdict?.onlyServerErrors == false)
    }

    /// A 429 (`QpsLimitExceeded`) is a refusal for coming too fast like a 503 with a limit code: it neither
    /// releases requests held for timeouts nor shows a working service (a first version took it for an answer:
    /// it ended the holding, and a service answering only 429 never stopped the batch).
    @Test func a429IsARefusalForComingTooFastNotASignOfAWorkingService() {
        let clock = TestClock()
        let r = ServiceReachability(lostAfter: .seconds(60), probeEvery: .seconds(5)) { clock.now }
        r.answered()
        let request = r.began()
        var tooMany = serviceUnavailable
        (tooMany.httpStatus, tooMany.code) = (429, OSSErrorCode(rawValue: "QpsLimitExceeded"))
        for n in 0..<8 { _ = r.failed(refused, job: id(n % 2), gaveUp: false) }
        #expect(r.turn(for: request).0 == .probe)
        r.retrying(request, after: .zero)
        _ = r.answered(with: tooMany, job: id(0))
        clock.advance(.seconds(5))
        #expect(r.turn(for: request) == (.probe, nil), "still held")
        r.retrying(request, after: .zero)
        r.ended(request)
        for n in 0..<20 { _ = r.answered(with: tooMany, job: id(n % 2)) }
        clock.advance(.seconds(55))
        let verdict = r.answered(with: tooMany, job: id(1))
        #expect(verdict?.lostFor == .seconds(60))
        #expect(verdict?.mostlyThrottling == true)
    }

    @Test func aVerdictIsThrottlingWhenMostOfItsFailuresWereRefusals() {
        var throttled = serviceUnavailable
        throttled.code = OSSErrorCode(rawValue: "TotalQpsLimitExceeded")
        for (refusals, resets, throttling) in [(39, 1, true), (5, 20, false)] {
            let clock = TestClock()
            let r = answered(clock)
            for n in 0..<resets { _ = r.failed(refused, job: id(n % 2), gaveUp: false) }
            for n in 0..<refusals { _ = r.answered(with: throttled, job: id(n % 2)) }
            clock.advance(.seconds(60))
            let verdict = r.answered(with: throttled, job: id(0))
            #expect(verdict?.mostlyThrottling == throttling, "\(refusals) refusals, \(resets) resets")
        }
    }

    @Test func aServiceRefusingEveryRequestForComingTooFastForTheWindowIsAThrottlingVerdict() {
        let clock = TestClock()
        let r = answered(clock)
        var throttled = serviceUnavailable
        throttled.code = OSSErrorCode(rawValue: "TotalQpsLimitExceeded")
        for n in 0..<12 {
            #expect(r.answered(with: throttled, job: id(n % 2)) == nil)
            clock.advance(.seconds(5))
        }
        let verdict = r.answered(with: throttled, job: id(0))
        #expect(verdict?.mostlyThrottling == true && verdict?.onlyServerErrors == true)
        #expect(verdict?.lostFor == .seconds(60))
    }

    @Test func aMixOfConnectionFailuresAndServerErrorsIsNotOnlyServerErrors() {
        let clock = TestClock()
        let r = answered(clock)
        var verdict: ServiceReachability.Verdict?
        for n in 0..<20 where verdict == nil {
            verdict =
                n == 3
                ? r.failed(refused, job: id(0), gaveUp: false) : r.answered(with: serviceUnavailable, job: id(n % 2))
            clock.advance(.seconds(10))
        }
        #expect(verdict?.onlyServerErrors == false)
    }

    @Test func oneJobFailingAloneOrTooFewFailuresNeverMakeTheServiceLost() {
        let clock = TestClock()
        let r = answered(clock)
        for _ in 0..<30 {
            #expect(r.answered(with: serviceUnavailable, job: id(0)) == nil, "one object refused, not the service")
            clock.advance(.seconds(10))
        }
        // Seven failures from two jobs over more than the window: too few; the eighth makes it.
        let few = answered(clock)
        for n in 0..<7 {
            #expect(few.failed(refused, job: id(n % 2), gaveUp: true) == nil)
            clock.advance(.seconds(20))
        }
        #expect(few.failed(refused, job: id(0), gaveUp: true)?.failures == 8)
    }

    @Test func aLongAttemptThatThenFailsStillShowedAWorkingService() {
        let clock = TestClock()
        let r = answered(clock)  // lost after 60 s
        let long = r.began()
        for n in 0..<6 {
            #expect(r.failed(refused, job: id(n % 2), gaveUp: false) == nil)
            clock.advance(.seconds(10))
        }
        // 65 s in flight (bytes moving), then it ends in a reset: the service worked while it moved.
        clock.advance(.seconds(5))
        r.ended(long)
        #expect(r.failed(.reset("Connection reset by peer"), job: id(2), gaveUp: true) == nil)
        // The window started again: failures until 100 s after the first end nothing, where the first window
        // would have ended the batch at the eighth failure, 70 s after the first.
        for n in 0..<7 {
            clock.advance(.seconds(5))
            #expect(r.failed(refused, job: id(n % 2), gaveUp: false) == nil, "at \(70 + 5 * n) s")
        }
    }

    /// An attempt against an endpoint that accepts and never answers lasts the transport's connect timeout
    /// and its low-speed window at most: shorter than the time that shows a request alive.
    @Test func aDeadAttemptEndsBeforeItWouldCountAsAlive() {
        let transport = CurlHTTPConfiguration()
        let longest = Duration.seconds(transport.connectTimeout) + .seconds(transport.lowSpeedTime)
        #expect(longest + .seconds(10) < ServiceReachability.longestDeadAttempt)
    }

    @Test func aRequestInFlightLongerThanADeadAttemptShowsAWorkingService() {
        let clock = TestClock()
        let r = ServiceReachability(lostAfter: .seconds(300)) { clock.now }
        r.answered()
        // A large file sent slowly beside files refused with 503, for longer than the window.
        let slow = r.began()
        for n in 0..<100 {
            #expect(r.answered(with: serviceUnavailable, job: id(n % 3)) == nil, "at \(n * 5) s")
            clock.advance(.seconds(5))
        }
        r.ended(slow)
        // Requests whose attempts each fail within a dead attempt's time (retried after a delay) show nothing.
        let a = r.began()
        let b = r.began()
        var verdict: ServiceReachability.Verdict?
        for n in 0..<200 where verdict == nil {
            clock.advance(.seconds(5))
            r.retrying(n % 2 == 0 ? a : b, after: .seconds(20))
            verdict = r.failed(.stalled("Operation too slow"), job: id(n % 2), gaveUp: false)
        }
        #expect(verdict?.lostFor == .seconds(300), "lost \(String(describing: verdict))")
    }

    /// A window shorter than an attempt against a silent endpoint lasts is a minute: the proof of a live
    /// request (an attempt that lasted longer than a dead one) must be able to come within it.
    @Test func aWindowShorterThanTheProofOfALiveRequestIsAMinute() {
        #expect(ServiceReachability(lostAfter: .seconds(10)).lostAfter == ServiceReachability.longestDeadAttempt)
        #expect(ServiceReachability(lostAfter: .seconds(90)).lostAfter == .seconds(90))
    }

    // MARK: - Requests held while the service looks lost

    @Test func requestsGoUntilTheServiceLooksLostThenOneAtATimeGoesAsAProbe() {
        let clock = TestClock()
        let r = ServiceReachability(lostAfter: .seconds(60), probeEvery: .seconds(5)) { clock.now }
        let requests = (0..<4).map { _ in r.began() }
        // Before any answer the first rule is the one that applies: nothing is held.
        for n in 0..<7 { _ = r.failed(refused, job: id(n % 2), gaveUp: false) }
        #expect(r.turn(for: requests[0]) == (.go, nil))
        // Each attempt that went fails: a request asking again after an answer would show the service working.
        r.retrying(requests[0], after: .zero)
        r.answered()
        for n in 0..<7 { _ = r.failed(refused, job: id(n % 2), gaveUp: false) }
        #expect(r.turn(for: requests[0]) == (.go, nil), "7 failures are not enough")
        r.retrying(requests[0], after: .zero)
        _ = r.failed(refused, job: id(0), gaveUp: false)
        #expect(
            r.turn(for: requests[0]) == (.probe, .began(failures: 8, jobs: 2, last: .transport(refused))),
            "the first to ask after the eighth failure is the probe, and holding begins"
        )
        #expect(r.turn(for: requests[1]) == (.wait, nil), "one probe at a time")
        // The probe failed: the next goes only `probeEvery` after it went.
        r.retrying(requests[0], after: .seconds(1))
        _ = r.failed(refused, job: id(0), gaveUp: false)
        clock.advance(.seconds(4))
        #expect(r.turn(for: requests[1]).0 == .wait)
        clock.advance(.seconds(1))
        #expect(r.turn(for: requests[1]).0 == .probe)
        #expect(r.turn(for: requests[2]).0 == .wait)
        // A probe that ended (its request gave up, or was cancelled) frees the turn too.
        r.ended(requests[1])
        clock.advance(.seconds(5))
        #expect(r.turn(for: requests[2]).0 == .probe)
        // An answer below 500: everyone goes, and holding ends with how long it lasted.
        clock.advance(.seconds(2))
        r.answered()
        #expect(r.turn(for: requests[3]) == (.go, .ended(heldFor: .seconds(12))))
        #expect(r.turn(for: requests[0]) == (.go, nil), "the end is told once")
    }

    /// The probe answered is the batch's last request: no request asks again to end the holding, so the end
    /// of the batch says it (the cron mail had the "looks lost" warning and no word of the service back).
    @Test func aHoldingEndedByTheBatchsLastRequestIsToldWhenTheJobsEnd() {
        let clock = TestClock()
        let r = ServiceReachability(lostAfter: .seconds(60), probeEvery: .seconds(5)) { clock.now }
        r.answered()
        let request = r.began()
        for n in 0..<8 { _ = r.failed(refused, job: id(n % 2), gaveUp: false) }
        #expect(r.holdingEndedWithTheLastRequest() == nil, "nothing was held yet")
        #expect(r.turn(for: request).0 == .probe)
        clock.advance(.seconds(3))
        #expect(r.holdingEndedWithTheLastRequest() == nil, "still lost: the holding goes on")
        r.answered()
        r.ended(request)
        #expect(r.holdingEndedWithTheLastRequest() == .ended(heldFor: .seconds(3)))
        #expect(r.holdingEndedWithTheLastRequest() == nil, "told once")
    }

    @Test func probesGoRoundTheHeldRequestsInTurn() {
        let clock = TestClock()
        let r = ServiceReachability(lostAfter: .seconds(600), probeEvery: .seconds(5)) { clock.now }
        r.answered()
        let requests = (0..<3).map { _ in r.began() }
        for n in 0..<8 { _ = r.failed(refused, job: id(n % 2), gaveUp: false) }
        var probes: [Int] = []
        /// Each probe fails at once, and its request asks again: back at the end of the line.
        func ask(_ request: Int) {
            guard r.turn(for: request).0 == .probe else { return }
            probes.append(request)
            r.retrying(request, after: .zero)
            _ = r.failed(refused, job: id(0), gaveUp: false)
            #expect(r.turn(for: request).0 == .wait)
        }
        for request in requests { ask(request) }
        for _ in 0..<6 {
            clock.advance(.seconds(5))
            // The last in line asks first each time: the probe is still the first in line's.
            for request in requests.reversed() { ask(request) }
        }
        #expect(probes == [requests[0]] + requests + requests, "\(probes)")
    }

    /// A request asks again without a retry when its attempt was answered: the next page of a listing, or the
    /// same request sent at once with credentials renewed after the service refused them. The probe doing so
    /// shows the service working (before, it waited in line behind itself, and every request with it).
    @Test func aProbeThatAsksAgainWithoutHavingFailedWasAnsweredAndEndsTheHolding() {
        let clock = TestClock()
        let r = ServiceReachability(lostAfter: .seconds(600), probeEvery: .seconds(5)) { clock.now }
        r.answered()
        let probe = r.began()
        let held = r.began()
        for n in 0..<8 { _ = r.failed(refused, job: id(n % 2), gaveUp: false) }
        #expect(r.turn(for: probe).0 == .probe)
        #expect(r.turn(for: held).0 == .wait)
        clock.advance(.seconds(1))
        #expect(r.turn(for: probe) == (.go, .ended(heldFor: .seconds(1))))
        #expect(r.turn(for: held) == (.go, nil))
        // Requests that failed and were retried ask again as any other.
        r.retrying(held, after: .zero)
        r.retrying(probe, after: .zero)
        for n in 0..<8 { _ = r.failed(refused, job: id(n % 2), gaveUp: false) }
        #expect(r.turn(for: held).0 == .probe)
        #expect(r.turn(for: probe).0 == .wait)
    }

    /// After a verdict a held request stays held (the halt that follows cancels it): let go, its attempt could
    /// end its job `failed` on a 5xx between the verdict and the halt.
    @Test func aHeldRequestStaysHeldAfterTheVerdict() {
        let clock = TestClock()
        let r = ServiceReachability(lostAfter: .seconds(60), probeEvery: .seconds(5)) { clock.now }
        r.answered()
        let probe = r.began()
        let held = r.began()
        for n in 0..<8 { _ = r.failed(refused, job: id(n % 2), gaveUp: false) }
        #expect(r.turn(for: probe).0 == .probe)
        r.retrying(probe, after: .zero)
        _ = r.failed(refused, job: id(0), gaveUp: false)
        #expect(r.turn(for: held).0 == .wait)
        #expect(r.turn(for: probe).0 == .wait, "back in line, behind the other")
        clock.advance(.seconds(61))
        #expect(r.failed(refused, job: id(0), gaveUp: false) != nil)
        #expect(r.turn(for: held) == (.wait, nil))
        #expect(r.turn(for: r.began()) == (.go, nil), "a request not held goes (the halt cancels it)")
        #expect(r.turn(for: held) == (.wait, nil), "still held after another request went")
    }

    /// While the batch stops, no probe is handed out: the held request is given up unsent by its caller.
    @Test func noProbeGoesWhileTheBatchStops() {
        let clock = TestClock()
        let r = ServiceReachability(lostAfter: .seconds(600), probeEvery: .seconds(5)) { clock.now }
        r.answered()
        let request = r.began()
        for n in 0..<8 { _ = r.failed(refused, job: id(n % 2), gaveUp: false) }
        #expect(r.turn(for: request, stopping: true).0 == .wait)
        #expect(r.turn(for: request).0 == .probe)
    }

    @Test func aRequestHeldForLongerThanADeadAttemptIsNotTakenForALiveOne() {
        let clock = TestClock()
        let r = ServiceReachability(lostAfter: .seconds(120), probeEvery: .seconds(5)) { clock.now }
        r.answered()
        // 20 requests held in turn, a probe every 5 s that fails at once: each waits 100 s between its probes.
        let requests = (0..<20).map { _ in r.began() }
        for n in 0..<8 { _ = r.failed(refused, job: id(n % 2), gaveUp: false) }
        var verdict: ServiceReachability.Verdict?
        for _ in 0..<30 where verdict == nil {
            for request in requests where verdict == nil && r.turn(for: request).0 == .probe {
                r.retrying(request, after: .zero)
                verdict = r.failed(refused, job: id(0), gaveUp: false)
            }
            clock.advance(.seconds(5))
        }
        // Waiting is not an attempt in flight: it never showed a working service, and the window ended.
        #expect(verdict?.lostFor == .seconds(120), "\(String(describing: verdict))")
        // After the verdict no new request is held (the halt cancels what is in flight), and no end is told.
        #expect(r.turn(for: r.began()) == (.go, nil))
    }

    @Test func aRequestThatGoesAsAProbeAndLivesLongerThanADeadAttemptEndsTheHolding() {
        let clock = TestClock()
        let r = ServiceReachability(lostAfter: .seconds(300), probeEvery: .seconds(5)) { clock.now }
        r.answered()
        let probe = r.began()
        let held = r.began()
        for n in 0..<8 { _ = r.failed(refused, job: id(n % 2), gaveUp: false) }
        #expect(r.turn(for: probe).0 == .probe)
        // The probe's upload moves slowly for a minute: the service works.
        clock.advance(ServiceReachability.longestDeadAttempt)
        #expect(r.turn(for: held) == (.go, .ended(heldFor: ServiceReachability.longestDeadAttempt)))
    }
}
