import Foundation
import LocalOSS
import Testing

/// Fault rules as JSON (the admin endpoint's format).
@Suite struct FaultRuleJSONTests {
    @Test func absentCountMeansOnceAndNullCountMeansEveryFurtherMatch() throws {
        let once = try JSONDecoder().decode(FaultRule.self, from: Data(#"{"action":{"wrongCRC":{}}}"#.utf8))
        #expect(once.count == 1)
        #expect(once.skip == 0)
        #expect(once.operation == nil)
        let always = try JSONDecoder().decode(
            FaultRule.self,
            from: Data(#"{"operation":"UploadPart","count":null,"action":{"delay":{"milliseconds":5}}}"#.utf8)
        )
        #expect(always.count == nil)
        #expect(always.operation == .uploadPart)
        let roundTrip = try JSONDecoder().decode(FaultRule.self, from: JSONEncoder().encode(always))
        #expect(roundTrip == always)
        #expect(always.passPerSecond == nil)
        let limit = try JSONDecoder().decode(
            FaultRule.self,
            from: Data(#"{"count":null,"passPerSecond":20,"action":{"fail":{"status":503,"code":"SlowDown"}}}"#.utf8)
        )
        #expect(limit.passPerSecond == 20)
        #expect(try JSONDecoder().decode(FaultRule.self, from: JSONEncoder().encode(limit)) == limit)
    }
}
