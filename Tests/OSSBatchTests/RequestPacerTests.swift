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
            _ = p.wait(for: 1000 + i)
            p.answered(1000 + i)
        }
        return p
    }

    @Test func attemptsGoAtOnceUntilTheServiceRefusesOne() {
        let clock = TestClock()
        let p = pacer(clock, answers: 50)
        for request in 0..<100 { #expect(p.wait(for: request) == (.zero, nil)) }
        #expect(p.rate == nil)
    }

    @Test func aRefusalPacesAttemptsAtACutOfWhatTheServiceLetThroughInTheLastSecond() throws {
        let clock = TestClock()
        let p = pacer(clock, answers: 20)
        #expect(p.wait(for: 1).0 == .zero)
        #expect(p.refused(1, with: refusal) == .began(rate: 14, refusal: refusal))
        // Each attempt its moment, 1/14 s after the one before: the first at once.
        let waits = (2..<6).map { p.wait(for: $0).0 }
        #expect(waits.first == .zero)
        for (k, wait) in waits.enumerated() {
            #expect(abs((wait - .seconds(Double(k) / 14)).seconds) < 0.001, "attempt \(k): \(wait)")
        }
    }

    @Test func answersOlderThanASecondDoNotCountAndThePaceIsNeverSlowerThanOneAttemptEvery5s() {
        let clock = TestClock()
        let p = pacer(clock, answers: 20)
        clock.advance(.seconds(2))
        _ = p.wait(for: 1)
        #expect(p.refused(1, with: refusal) == .began(rate: RequestPacer.slowest, refusal: refusal))
        _ = p.wait(for: 2)
        #expect(p.wait(for: 3).0 == .seconds(5))
    }

    @Test func oneCutASecondAndNoneForAnAttemptLetGoBeforeTheLastCut() throws {
        let clock = TestClock()
        let p = pacer(clock, answers: 20)
        _ = p.wait(for: 1)
        _ = p.wait(for: 2)
        clock.advance(.milliseconds(10))
        _ = p.refused(1, with: refusal)
        #expect(p.rate == 14)
        // Within the second: no cut, whatever the attempt.
        clock.advance(.milliseconds(500))
        _ = p.wait(for: 3)
        _ = p.refused(3, with: refusal)
        #expect(try abs(#require(p.rate) - 14 * pow(1.1, 0.5)) < 0.001, "grown, not cut")
        // A second on: attempt 2 went before the cut, at the old pace: no news.
        clock.advance(.milliseconds(500))
        _ = p.refused(2, with: refusal)
        let grown = try #require(p.rate)
        #expect(grown > 14, "not cut")
        // An attempt let go after the cut: cut to 0.7 × the pace (the answers of the last second are fewer).
        _ = p.wait(for: 4)
        let before = try #require(p.rate)
        #expect(before >= grown)
        _ = p.refused(4, with: refusal)
        #expect(try abs(#require(p.rate) - RequestPacer.slowest) < 0.001, "no answer in the last second")
    }

    @Test func thePaceGrowsBetweenRefusalsAndEndsAfterHalfAMinuteWithoutOne() throws {
        let clock = TestClock()
        let p = pacer(clock, answers: 100)
        _ = p.wait(for: 1)
        _ = p.refused(1, with: refusal)
        #expect(p.rate == 70)
        clock.advance(.seconds(10))
        _ = p.wait(for: 2)
        #expect(try abs(#require(p.rate) - 70 * pow(1.1, 10)) < 0.01)
        clock.advance(.seconds(20))
        #expect(p.wait(for: 3) == (.zero, .ended(pacedFor: .seconds(30))))
        #expect(p.rate == nil)
        #expect(p.wait(for: 4) == (.zero, nil), "the end is told once")
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
