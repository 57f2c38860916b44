import Foundation
import OSSBatch
import Testing

/// When `run` asks OSS for the time (keys with `{date}` or `{time}`), and what it makes of the answer.
struct ServerClockCheckTests {
    private static func manifest(_ entries: [String]) throws -> Manifest {
        let lines = ["version: 1", "target:", "  endpoint: http://127.0.0.1:9000", "  bucket: nightly", "files:"]
        return try ManifestLoader.decode((lines + entries).joined(separator: "\n") + "\n", path: "/m.yaml")
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
            ServerClockCheck.judge(serverDate: sameSecond, sentAt: sent, receivedAt: received)
                == .agrees(offsetSeconds: 0)
        )
        let minuteAhead = "Sat, 05 Dec 2026 03:01:00 GMT"
        #expect(
            ServerClockCheck.judge(serverDate: minuteAhead, sentAt: sent, receivedAt: received)
                == .agrees(offsetSeconds: 60)
        )
        let twoDaysAhead = "Mon, 07 Dec 2026 03:00:00 GMT"
        #expect(
            ServerClockCheck.judge(serverDate: twoDaysAhead, sentAt: sent, receivedAt: received)
                == .corrected(offsetSeconds: 172_800, now: received.addingTimeInterval(172_800))
        )
        let anHourBehind = "Sat, 05 Dec 2026 02:00:00 GMT"
        #expect(
            ServerClockCheck.judge(serverDate: anHourBehind, sentAt: sent, receivedAt: received)
                == .corrected(offsetSeconds: -3600, now: received.addingTimeInterval(-3600))
        )
    }

    @Test func anAnswerWithoutAReadableDateLeavesTheClockUnchecked() {
        let now = Date()
        #expect(
            ServerClockCheck.judge(serverDate: nil, sentAt: now, receivedAt: now)
                == .unchecked(reason: "the answer has no Date header")
        )
        guard
            case .unchecked(let reason) = ServerClockCheck.judge(serverDate: "yesterday", sentAt: now, receivedAt: now)
        else {
            Issue.record("a date that is not one was taken")
            return
        }
        #expect(reason.contains("'yesterday' is not a date"))
    }
}
