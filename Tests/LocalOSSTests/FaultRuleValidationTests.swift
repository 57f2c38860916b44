import Foundation
import LocalOSS
import TestSupport
import Testing

/// Issue 14 item 10: LocalOSS does not crash on, or send, a fault rule it cannot honour; the admin endpoint
/// answers 400 InvalidArgument naming the problem and adds none of the rules sent with it.
@Suite struct FaultRuleValidationTests {
    private func post(_ oss: LocalOSSFixture, _ json: String) async throws -> TestReply {
        try await TestHTTP.send(
            "POST",
            URL(string: oss.endpoint.absoluteString + "/__localoss/faults")!,
            body: Data(json.utf8)
        )
    }

    @Test(arguments: [
        (
            #"{"action":{"fail":{"status":-1,"code":"X"}}}"#,
            "fail.status must be an error status between 400 and 599, not -1"
        ),
        (
            #"{"action":{"fail":{"status":99999,"code":"X"}}}"#,
            "fail.status must be an error status between 400 and 599, not 99999"
        ),
        (
            #"{"action":{"fail":{"status":200,"code":"X"}}}"#,
            "fail.status must be an error status between 400 and 599, not 200"
        ),
        (#"{"action":{"fail":{"status":500,"code":""}}}"#, "fail.code must be 1 to 64 ASCII letters and digits"),
        (#"{"action":{"fail":{"status":500,"code":"<x/>"}}}"#, "fail.code must be 1 to 64 ASCII letters and digits"),
        (#"{"action":{"delay":{"milliseconds":-5}}}"#, "delay.milliseconds must be between 0 and 600000, not -5"),
        (
            #"{"action":{"delay":{"milliseconds":9223372036854775807}}}"#,
            "delay.milliseconds must be between 0 and 600000"
        ),
        (#"{"action":{"resetAfterBodyBytes":{"_0":-1}}}"#, "resetAfterBodyBytes must be 0 or more, not -1"),
        (#"{"action":{"respond":{"status":99,"body":""}}}"#, "respond.status must be between 200 and 599, not 99"),
        (#"{"skip":-1,"action":{"dropResponse":{}}}"#, "skip must be 0 or more, not -1"),
        (#"{"count":0,"action":{"wrongCRC":{}}}"#, "count must be 1 or more"),
        (#"{"passPerSecond":-1,"action":{"wrongCRC":{}}}"#, "passPerSecond must be 0 or more, not -1"),
        // A misspelt field, read as absent, made the rule match every key.
        (#"{"key":"a/","action":{"dropResponse":{}}}"#, "unknown field: key "),
    ])
    func anInvalidRuleIsRefusedAndTheServerKeepsServing(json: String, problem: String) async throws {
        try await LocalOSSFixture.anonymous { oss in
            let reply = try await post(oss, json)
            #expect(reply.status == 400, "\(reply.text)")
            #expect(reply.xml("Code") == "InvalidArgument")
            #expect(reply.xml("Message")?.contains(problem) == true, "\(reply.xml("Message") ?? reply.text)")
            #expect(oss.faults.rules.isEmpty)
            #expect(try await TestHTTP.send("PUT", oss.url(forKey: "after"), body: Data("x".utf8)).status == 200)
        }
    }

    @Test func oneBadRuleInAnArrayAddsNoneOfThem() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let json =
                #"[{"action":{"fail":{"status":503,"code":"SlowDown"}}},{"action":{"fail":{"status":-1,"code":"X"}}}]"#
            let reply = try await post(oss, json)
            #expect(reply.status == 400)
            #expect(reply.xml("Message")?.hasPrefix("fault rule 2 of 2 is not valid") == true)
            #expect(oss.faults.rules.isEmpty)
        }
    }

    @Test func theLocalOSSProcessSurvivesARuleWithANegativeStatus() async throws {
        let dir = try TemporaryDirectory("local-oss-faults")
        defer { dir.remove() }
        let server = try await LocalOSSProcess(arguments: ["--port", "0", "--data", dir.path, "--bucket", "b"])
        defer { server.kill9() }
        let base = "http://127.0.0.1:\(server.port)"
        let rule = #"{"operation":"PutObject","action":{"fail":{"status":-1,"code":"Broken"}}}"#
        let reply = try await TestHTTP.send("POST", URL(string: base + "/__localoss/faults")!, body: Data(rule.utf8))
        #expect(reply.status == 400)
        #expect(try await TestHTTP.send("PUT", URL(string: base + "/b/x")!, body: Data("1".utf8)).status == 200)
        #expect(await server.terminate() == 0)
    }

    @Test func validRulesHaveNoProblem() {
        #expect(FaultRule.failNth(1, status: 503, code: .serviceUnavailable).problem == nil)
        #expect(FaultRule(count: nil, action: .delay(milliseconds: 600_000)).problem == nil)
        #expect(FaultRule(action: .resetAfterBodyBytes(0)).problem == nil)
    }
}
