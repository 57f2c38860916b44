import Foundation
import OSSBatch
import OSSProtocol
import Testing

/// When `run` asks OSS for the time (keys with `{date}` or `{time}`), and what it makes of the answer.
struct ServerClockCheckTests {
    private static func manifest(_ entries: [String]) throws -> Manifest {
        let lines = ["version: 1", "target:", "  endpoint: http://127.0.0.1:9000", "  bucket: nightly", "files:"]
        return try ManifestLoader.decode((lines + entries).joined(separator: "\n") + "\n", path: "/m.yaml")
    }

    /// An answer OSS made (it names its request), dated `date`.
    private static func answer(_ date: String?, headers more: [(name: String, value: String)] = []) -> HTTPResponse {
        var headers: [(name: String, value: String)] = [("x-oss-request-id", "6551D4B7C0A6EE3532D9F6A1")]
        if let date { headers.append(("Date", date)) }
        return HTTPResponse(status: 403, headers: headers + more, body: [])
    }

    @Test func onlyKeysThatHoldATimePlaceholderNeedTheCheck() throws {
        #expect(
            try ServerClockCheck.isNeeded(for: Self.manifest(["  - source: /a/", "    key_prefix: \"snap/{date}/\""]))
        )
        #expect(try ServerClockCheck.isNeeded(for: Self.manifest(["  - source: /a/b", "    key: \"b-{time:%H}\""])))
        #expect(
            try ServerClockCheck.isNeeded(
                for: Self.manifest([
                    "  - source: /a/", "    key_prefix: fixed/", "  - source: /b/", "    key_prefix: \"{date}/\"",
                ])
            )
        )
        #expect(try !ServerClockCheck.isNeeded(for: Self.manifest(["  - source: /a/", "    key_prefix: fixed/"])))
        #expect(
            try !ServerClockCheck.isNeeded(
                for: Self.manifest(["  - source: /a/", "    key_prefix: \"{hostname}/{{date}}/\""])
            )
        )
    }

    @Test func aClockWithinAMinuteIsLeftAloneAndOneFurtherOffIsCorrected() {
        // 2026-12-05T03:00:00Z, answered 200 ms after the request was sent.
        let sent = Date(timeIntervalSince1970: 1_796_439_600)
        let received = sent.addingTimeInterval(0.2)
        let sameSecond = "Sat, 05 Dec 2026 03:00:00 GMT"
        #expect(
            ServerClockCheck.judge(Self.answer(sameSecond), sentAt: sent, receivedAt: received)
                == .agrees(offsetSeconds: 0)
        )
        let minuteAhead = "Sat, 05 Dec 2026 03:01:00 GMT"
        #expect(
            ServerClockCheck.judge(Self.answer(minuteAhead), sentAt: sent, receivedAt: received)
                == .agrees(offsetSeconds: 60)
        )
        let twoDaysAhead = "Mon, 07 Dec 2026 03:00:00 GMT"
        #expect(
            ServerClockCheck.judge(Self.answer(twoDaysAhead), sentAt: sent, receivedAt: received)
                == .corrected(offsetSeconds: 172_800, now: received.addingTimeInterval(172_800))
        )
        let anHourBehind = "Sat, 05 Dec 2026 02:00:00 GMT"
        #expect(
            ServerClockCheck.judge(Self.answer(anHourBehind), sentAt: sent, receivedAt: received)
                == .corrected(offsetSeconds: -3600, now: received.addingTimeInterval(-3600))
        )
    }

    @Test func anAnswerWithoutAReadableDateLeavesTheClockUnchecked() {
        let now = Date()
        #expect(
            ServerClockCheck.judge(Self.answer(nil), sentAt: now, receivedAt: now)
                == .unchecked(reason: "the answer has no Date header")
        )
        guard
            case .unchecked(let reason) = ServerClockCheck.judge(Self.answer("yesterday"), sentAt: now, receivedAt: now)
        else {
            Issue.record("a date that is not one was taken")
            return
        }
        #expect(reason.contains("'yesterday' is not a date"))
    }

    @Test func onlyAnAnswerOSSMadeIsBelieved() {
        let now = Date()
        let twoDaysAhead = SigningTime(epochSeconds: Int64(now.timeIntervalSince1970) + 172_800).rfc1123
        // A proxy's error page: no request id.
        let proxy = HTTPResponse(status: 502, headers: [("Date", twoDaysAhead)], body: [])
        // A cache's copy of an old answer.
        let cached = Self.answer(twoDaysAhead, headers: [("Age", "86400")])
        for response in [proxy, cached] {
            guard case .unchecked(let reason) = ServerClockCheck.judge(response, sentAt: now, receivedAt: now) else {
                Issue.record("an answer OSS did not make was believed")
                continue
            }
            #expect(reason.contains("not OSS's answer"))
        }
        guard
            case .corrected(let offset, _) = ServerClockCheck.judge(
                Self.answer(twoDaysAhead),
                sentAt: now,
                receivedAt: now
            )
        else {
            Issue.record("OSS's answer was not believed")
            return
        }
        #expect(abs(offset - 172_800) <= 1)
    }
}
