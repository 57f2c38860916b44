import Foundation
import OSSProtocol
import Testing

@testable import OSSBatch

/// The pace of a batch the service throttles (`RequestPacer`), on a clock the test moves.
@Suite struct RequestPacerTests {
    private let refusal = OSSServiceError(
        httpStatus: 503,
        code: OSSErrorCode(rawValue: "TotalQpsLimitExceeded"),
        message: "Max total qps limit is exceeded",
        requestID: "5C3D9175B6FC201293AD****"
    )

    /// A pacer on `clock` whose service answered `answers` requests in the last second (requests 1000...).
    private func pacer(_ clock: TestClock, answers: Int) -> RequestPacer {
        let p = RequestPacer { clock.now }
        for i in 0..<answers {
            _ = p.turn(for: 1000 + i)
            p.answered(1000 + i)
        }
        return p
    }

    /// Asks for `request`'s turn until it goes, moving the clock by each wait: how long it waited.
    private func waitedFor(_ request: Int, _ p: RequestPacer, _ clock: TestClock) -> Duration {
        var waited = Duration.zero
        while case .wait(let d) = p.turn(for: request).0 {
            clock.advance(d)
            waited += d
        }
        return waited
    }

    /// Paced after a refusal of request 0 with `answers` answers in the last second.
    private func paced(_ clock: TestClock, answers: Int) -> RequestPacer {
        let p = pacer(clock, answers: answers)
        _ = p.turn(for: 0)
        clock.advance(.milliseconds(10))
        _ = p.refused(0, with: refusal)
        return p
    }

    @Test func attemptsGoAtOnceUntilTheServiceRefusesOne() {
        let clock = TestClock()
        let p = pacer(clock, answers: 50)
        for request in 0..<100 { #expect(p.turn(for: request) == (.go, [])) }
        #expect(p.rate == nil)
    }

    @Test func aRefusalPacesAttemptsAtACutOfWhatTheServiceLetThroughInTheLastSecond() {
        let clock = TestClock()
        let p = pacer(clock, answers: 20)
        _ = p.turn(for: 1)
        #expect(p.refused(1, with: refusal) == [.began(rate: 14, refusal: refusal, episode: 1)])
        // Three requests ask at once: they go in the order they asked, one every 1/14 s.
        #expect(p.turn(for: 2).0 != .go)
        #expect(p.turn(for: 3).0 != .go)
        #expect(p.turn(for: 4).0 != .go)
        var went: [Int: Duration] = [:]
        var elapsed = Duration.zero
        while went.count < 3 {
            clock.advance(.milliseconds(5))
            elapsed += .milliseconds(5)
            for request in [2, 3, 4] where went[request] == nil && p.turn(for: request).0 == .go {
                went[request] = elapsed
            }
        }
        for (request, k) in [(2, 1.0), (3, 2.0), (4, 3.0)] {
            #expect(abs((went[request] ?? .zero).seconds - k / 14) < 0.006, "request \(request): \(went)")
        }
    }

    @Test func answersOlderThanTenSecondsDoNotCountAndThePaceIsNeverSlowerThanTheSlowest() {
        let clock = TestClock()
        let p = pacer(clock, answers: 20)
        clock.advance(.seconds(11))
        _ = p.turn(for: 1)
        #expect(p.refused(1, with: refusal) == [.began(rate: 0.2, refusal: refusal, episode: 1)])
        // One attempt every 5 s, not grown: nothing was answered meanwhile.
        #expect(abs(waitedFor(2, p, clock).seconds - 5) < 0.001)
    }

    /// Under a slow pace (or uploads longer than a second) the last second often holds no answer: the cut then
    /// measures the last 10 s (a first version fell straight to one attempt every 5 s).
    @Test func aCutAtASlowPaceMeasuresTheLastTenSecondsAnswers() throws {
        let clock = TestClock()
        let p = RequestPacer { clock.now }
        for i in 0..<10 {
            _ = p.turn(for: 1000 + i)
            p.answered(1000 + i)
            clock.advance(.seconds(1))
        }
        clock.advance(.milliseconds(500))
        _ = p.turn(for: 1)
        let began = try #require(p.refused(1, with: refusal).first)
        // Nine answers in the last 10 s: 0.9 a second, cut to 0.63.
        #expect(began == .began(rate: 0.7 * 0.9, refusal: refusal, episode: 1))
    }

    /// The reviewer's case: paced at 14 a second, then 19 s in which no request asked (long uploads ending, two
    /// answers a second), then a refusal. The cut is of the pace as it is then (grown), to 0.7 × the last
    /// second's 3 answers; a first version cut the pace of 19 s before, then grew the cut pace by those 19 s.
    @Test func aCutIsNotUndoneByTheGrowthOfTheTimeBeforeIt() throws {
        let clock = TestClock()
        let p = paced(clock, answers: 20)
        #expect(p.rate == 14)
        for k in 0..<38 {
            clock.advance(.milliseconds(500))
            p.answered(3000 + k)
        }
        _ = p.refused(4242, with: refusal)
        #expect(try abs(#require(p.rate) - 2.1) < 0.01, "0.7 × the 3 answers of the last second")
        _ = p.turn(for: 1)
        #expect(try abs(#require(p.rate) - 2.1) < 0.01, "the time before the cut is not grown again")
    }

    /// Through an outage (nothing answered) the pace stays: grown meanwhile, the held requests went in a burst
    /// the service refused when it came back (an audit: 45-fold in 40 s).
    @Test func thePaceDoesNotGrowWhileTheServiceAnswersNothing() throws {
        let clock = TestClock()
        let p = paced(clock, answers: 20)
        clock.advance(.seconds(40))
        _ = p.turn(for: 1)
        #expect(p.rate == 14)
        p.answered(1)
        clock.advance(.seconds(1))
        _ = p.turn(for: 2)
        #expect(try abs(#require(p.rate) - 15.4) < 0.01, "growing again once answered")
    }

    @Test func oneCutASecondAndNoneForAnAttemptLetGoBeforeTheLastCut() throws {
        let clock = TestClock()
        let p = pacer(clock, answers: 20)
        _ = p.turn(for: 1)
        _ = p.turn(for: 2)
        clock.advance(.milliseconds(10))
        _ = p.refused(1, with: refusal)
        #expect(p.rate == 14)
        // Within the second: no cut, whatever the attempt.
        _ = waitedFor(3, p, clock)
        clock.advance(.milliseconds(400))
        _ = p.refused(3, with: refusal)
        #expect(try #require(p.rate) > 14, "grown, not cut")
        // A second on: attempt 2 went before the cut, at the old pace: no news.
        clock.advance(.milliseconds(700))
        _ = p.refused(2, with: refusal)
        let grown = try #require(p.rate)
        #expect(grown > 14, "not cut")
        // An attempt let go after the cut: cut to 0.7 × the pace or the answers a second (none in the last
        // second; 20 in the last 10 s: 2 a second).
        _ = waitedFor(4, p, clock)
        _ = p.refused(4, with: refusal)
        #expect(try abs(#require(p.rate) - 1.4) < 0.001)
    }

    /// Nothing is promised ahead: requests waiting behind the slowest pace go at once when pacing ends (a first
    /// version kept each to the moment it was given, up to 32 × 5 s).
    @Test func theEndOfPacingLetsTheRequestsAlreadyWaitingGoAtOnce() {
        let clock = TestClock()
        let p = pacer(clock, answers: 0)
        _ = p.turn(for: 0)
        _ = p.refused(0, with: refusal)
        #expect(p.rate == 0.2)
        for request in 1...10 { _ = p.turn(for: request) }
        // The service answers (an attempt let go before), and refuses nothing for a minute.
        clock.advance(.seconds(1))
        p.answered(42)
        clock.advance(.seconds(59))
        let (first, changes) = p.turn(for: 10)
        #expect(first == .go)
        #expect(changes == [.ended(pacedFor: .seconds(60))])
        for request in 1...9 { #expect(p.turn(for: request) == (.go, []), "request \(request)") }
        #expect(p.rate == nil)
    }

    @Test func aRequestThatLeavesTheLineDoesNotHoldUpTheOnesBehindIt() {
        let clock = TestClock()
        let p = paced(clock, answers: 10)
        _ = p.turn(for: 1)
        _ = p.turn(for: 2)
        p.ended(1)  // a stop: it gave up waiting
        #expect(abs(waitedFor(2, p, clock).seconds - 1 / 7) < 0.01)
    }

    @Test func thePaceGrowsBetweenRefusalsStaysFiniteAndEndsAfterAMinuteWithoutOne() throws {
        let clock = TestClock()
        let p = paced(clock, answers: 100)
        #expect(p.rate == 70)
        for k in 0..<10 {
            clock.advance(.seconds(1))
            p.answered(5000 + k)
        }
        _ = p.turn(for: 2)
        #expect(try abs(#require(p.rate) - 70 * pow(1.1, 10)) < 0.01)
        clock.advance(.seconds(50))
        #expect(p.turn(for: 3) == (.go, [.ended(pacedFor: .seconds(60))]))
        #expect(p.rate == nil)
        #expect(p.turn(for: 4) == (.go, []), "the end is told once")
        // A new episode; then hours of refusals of attempts sent long ago, and no ask: the pace stays finite.
        _ = p.turn(for: 5)
        #expect(p.refused(5, with: refusal).first == .began(rate: 0.2, refusal: refusal, episode: 2))
        clock.advance(.seconds(40))
        _ = p.turn(for: 6)
        clock.advance(.seconds(36_000))
        _ = p.refused(6, with: refusal)
        #expect(try #require(p.rate).isFinite)
    }

    @Test func theLogSaysThePaceAsItIs() {
        #expect(RequestPacer.rateText(14.2) == "14 attempts a second")
        #expect(RequestPacer.rateText(1.4) == "1.4 attempts a second")
        #expect(RequestPacer.rateText(9.96) == "10 attempts a second")
        #expect(RequestPacer.rateText(0.7) == "one attempt every 1.4 s")
        #expect(RequestPacer.rateText(0.2) == "one attempt every 5.0 s")
    }

    @Test func throttlingIs429Or503WithALimitCode() {
        var answer = refusal
        #expect(answer.isThrottling)
        answer.code = OSSErrorCode(rawValue: "ServiceUnavailable")
        #expect(!answer.isThrottling, "a busy server, or a balancer with no backend, answers so too")
        answer.httpStatus = 429
        #expect(answer.isThrottling)
        answer.httpStatus = 500
        answer.code = OSSErrorCode(rawValue: "TotalQpsLimitExceeded")
        #expect(!answer.isThrottling)
    }
}
