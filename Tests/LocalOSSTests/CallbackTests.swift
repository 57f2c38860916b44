import Foundation
import LocalOSS
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Upload callbacks: a tiny receiver (python3's http.server) on loopback gets the rendered body.
@Suite struct CallbackTests {
    static func header(_ json: String) -> String { Data(json.utf8).base64EncodedString() }

    /// A python receiver on a loaded test machine can take seconds to answer; the timeout is not under test.
    static func patientCallbacks(_ configuration: inout LocalOSSConfiguration) { configuration.callbackTimeout = 60 }

    @Test func callbackBodyIsRenderedPostedAndTheReplyRelayed() async throws {
        let receiver = try await CallbackReceiver(status: 200)
        defer { receiver.stop() }
        try await LocalOSSFixture.anonymous(configure: Self.patientCallbacks) { oss in
            let callback = Self.header(
                #"{"callbackUrl":"http://127.0.0.1:\#(receiver.port)/cb","callbackBody":"bucket=${bucket}&object=${object}&etag=${etag}&size=${size}&mime=${mimeType}&crc=${crc64}&batch=${x:batch}","callbackBodyType":"application/x-www-form-urlencoded"}"#
            )
            let vars = Self.header(#"{"x:batch":"nightly-7"}"#)
            let body = Data("callback me".utf8)
            let put = try await TestHTTP.send(
                "PUT",
                oss.url(forKey: "cb/obj.txt"),
                headers: [
                    "Content-Type": "text/plain", "x-oss-callback": callback, "x-oss-callback-var": vars,
                ],
                body: body
            )
            #expect(put.status == 200)
            #expect(put.text == #"{"Status":"OK","from":"receiver"}"#)
            let got = try #require(receiver.received)
            #expect(got.contentType == "application/x-www-form-urlencoded")
            let etag = try #require(put.header("ETag")).trimmingCharacters(in: ["\""])
            #expect(
                got.body
                    == "bucket=\(oss.bucket)&object=cb/obj.txt&etag=\(etag)&size=11&mime=text/plain&crc=\(put.header("x-oss-hash-crc64ecma")!)&batch=nightly-7"
            )
        }
    }

    @Test func callbackOnCompleteMultipartUploadIsSentWithJSONBody() async throws {
        let receiver = try await CallbackReceiver(status: 200)
        defer { receiver.stop() }
        try await LocalOSSFixture.anonymous(configure: Self.patientCallbacks) { oss in
            let id = try #require(
                try await TestHTTP.send("POST", oss.url(forKey: "mp", query: "uploads")).xml("UploadId")
            )
            _ = try await TestHTTP.send(
                "PUT",
                oss.url(forKey: "mp", query: "partNumber=1&uploadId=\(id)"),
                body: Data("abc".utf8)
            )
            let callback = Self.header(
                #"{"callbackUrl":"127.0.0.1:\#(receiver.port)","callbackBody":"{\"object\":${object},\"size\":${size}}","callbackBodyType":"application/json"}"#
            )
            let done = try await TestHTTP.send(
                "POST",
                oss.url(forKey: "mp", query: "uploadId=\(id)"),
                headers: ["x-oss-complete-all": "yes", "x-oss-callback": callback]
            )
            #expect(done.status == 200)
            #expect(receiver.received?.contentType == "application/json")
            #expect(receiver.received?.body == #"{"object":mp,"size":3}"#)
        }
    }

    @Test func failingReceiverGives203CallbackFailedAndTheObjectStaysStored() async throws {
        let receiver = try await CallbackReceiver(status: 500)
        defer { receiver.stop() }
        try await LocalOSSFixture.anonymous { oss in
            let callback = Self.header(
                #"{"callbackUrl":"http://127.0.0.1:\#(receiver.port)/","callbackBody":"x=${size}"}"#
            )
            let put = try await TestHTTP.send(
                "PUT",
                oss.url(forKey: "kept"),
                headers: ["x-oss-callback": callback],
                body: Data("data".utf8)
            )
            #expect(put.status == 203)
            #expect(put.xml("Code") == "CallbackFailed")
            #expect(put.header("ETag") != nil)
            #expect(try await TestHTTP.send("GET", oss.url(forKey: "kept")).text == "data")
        }
    }

    @Test func unreachableReceiverGives203CallbackFailed() async throws {
        try await LocalOSSFixture.anonymous { oss in
            // A port that was just free: nothing listens there.
            let callback = Self.header(#"{"callbackUrl":"http://127.0.0.1:9/","callbackBody":"x=1"}"#)
            let put = try await TestHTTP.send(
                "PUT",
                oss.url(forKey: "k"),
                headers: ["x-oss-callback": callback],
                body: Data("d".utf8)
            )
            #expect(put.status == 203)
            #expect(put.xml("Code") == "CallbackFailed")
            #expect(try await TestHTTP.send("HEAD", oss.url(forKey: "k")).status == 200)
        }
    }

    @Test func receiverThatNeverAnswersGives203OnceTheCallbackTimeoutHasPassed() async throws {
        let receiver = try await CallbackReceiver(answers: false)
        defer { receiver.stop() }
        try await LocalOSSFixture.with(
            accessKeyID: nil,
            accessKeySecret: nil,
            configure: { $0.callbackTimeout = 1 },
            { oss in
                let callback = Self.header(
                    #"{"callbackUrl":"http://127.0.0.1:\#(receiver.port)/slow?a=1","callbackBody":"x=${size}"}"#
                )
                let started = ContinuousClock.now
                let put = try await TestHTTP.send(
                    "PUT",
                    oss.url(forKey: "slow"),
                    headers: ["x-oss-callback": callback],
                    body: Data("data".utf8)
                )
                let waited = ContinuousClock.now - started
                #expect(put.status == 203)
                #expect(put.xml("Code") == "CallbackFailed")
                #expect(put.xml("Message")?.contains("no reply within") == true, "\(put.text)")
                #expect(receiver.received?.body == "x=4")
                // Waited for the timeout. A server that waited for a receiver that never answers would not have
                // answered 203 at all (the test's curl gives up after 30 s): no upper bound on the test's clock,
                // which a loaded pool stretches.
                #expect(waited >= .milliseconds(900), "\(waited)")
            }
        )
    }
}
