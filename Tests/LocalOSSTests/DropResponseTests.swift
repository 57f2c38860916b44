import Foundation
import LocalOSS
import TestSupport
import Testing

/// A lost response: the operation runs, the client gets no answer.
@Suite struct DropResponseTests {
    @Test func droppedResponseStoresTheObjectButTheClientSeesNoAnswer() async throws {
        try await LocalOSSFixture.anonymous { oss in
            oss.faults.add(FaultRule(operation: .putObject, action: .dropResponse))
            await #expect(throws: TestHTTP.CurlFailure.self) {
                _ = try await TestHTTP.send("PUT", oss.url(forKey: "lost"), body: Data("done".utf8))
            }
            #expect(oss.log.all.first?.errorCode == "InjectedDroppedResponse")
            let stored = try await TestHTTP.send("GET", oss.url(forKey: "lost"))
            #expect(stored.text == "done")
        }
    }
}
