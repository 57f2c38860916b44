import OSSProtocol
import Testing

@Suite struct SigningTimeTests {
    @Test func formatsBothWireFormsOfTheVectorTime() throws {
        let t = try #require(SigningTime(iso8601Basic: "20261125T185010Z"))
        #expect(t.rfc1123 == "Wed, 25 Nov 2026 18:50:10 GMT")
        #expect(t.iso8601Basic == "20261125T185010Z")
        #expect(t.day == "20261125")
        #expect(SigningTime(rfc1123: t.rfc1123) == t)
    }

    @Test func epochAndLeapDayRoundTrip() throws {
        #expect(SigningTime(epochSeconds: 0).rfc1123 == "Thu, 01 Jan 1970 00:00:00 GMT")
        let leap = try #require(SigningTime(iso8601Basic: "20240229T235959Z"))
        #expect(leap.rfc1123 == "Thu, 29 Feb 2024 23:59:59 GMT")
        #expect(SigningTime(epochSeconds: leap.epochSeconds + 1).iso8601Basic == "20240301T000000Z")
    }

    @Test func rejectsMalformedDates() {
        #expect(SigningTime(iso8601Basic: "20261125185010Z") == nil)
        #expect(SigningTime(iso8601Basic: "20261325T185010Z") == nil)
        #expect(SigningTime(rfc1123: "Wed, 25 Foo 2026 18:50:10 GMT") == nil)
        #expect(SigningTime(rfc1123: "yesterday") == nil)
    }
}
