import Foundation
import OSSKit
import OSSProtocol
import Testing

@testable import OSSBatch

/// The report's own JSON encoder must write what Foundation's decoder reads back as the same value, and the
/// same JSON document Foundation's encoder would write.
struct StreamingJSONEncoderTests {
    /// Every kind of value the report holds, with the strings that need escaping.
    static let awkward = "quote \" backslash \\ slash / newline \n tab \t cr \r nul \u{0} bell \u{7} unit \u{1F} é 中 🚀"

    static let job = UploadJob(
        source: "/data/\(awkward)",
        key: "k/\(awkward)",
        identity: SourceIdentity(size: .max, mtimeNanoseconds: -1, inode: .max, device: 0),
        options: ObjectOptions(
            contentType: "text/plain",
            acl: .publicRead,
            storageClass: .archive,
            metadata: ["a": awkward, awkward: "b", "": ""],
            tags: ["t": "v"],
            cacheControl: nil,
            contentDisposition: "attachment; filename=\"x\"",
            forbidOverwrite: true,
            callback: UploadCallback(url: "http://h/cb", body: "bucket=${bucket}", vars: ["x": "1"])
        ),
        method: .multipart(PartPlan(partSize: 8 << 20, partCount: 3))
    )

    static let outcome = JobOutcome(
        key: awkward,
        status: .failed,
        method: .multipart,
        uploadID: "U",
        etag: "\"E\"",
        crc64: "18446744073709551615",
        attempts: 7,
        bytesSent: 1 << 40,
        partsReused: 0,
        durationSeconds: 0.000123456789,
        callback: CallbackResult(status: 203, body: awkward),
        checkpoint: nil,
        error: JobError(code: "CallbackFailed", message: awkward, httpStatus: 203, requestID: "R", ec: "0007-00000203"),
        warnings: [awkward, ""],
        finishedAt: "2026-11-25T00:00:00.000Z"
    )

    @Test func roundTripsThroughFoundationsDecoder() throws {
        let encoder = StreamingJSONEncoder()
        #expect(try JSONDecoder().decode(UploadJob.self, from: Data(encoder.encode(Self.job))) == Self.job)
        #expect(try JSONDecoder().decode(JobOutcome.self, from: Data(encoder.encode(Self.outcome))) == Self.outcome)
        let put = UploadJob(
            source: "/f",
            key: "k",
            identity: SourceIdentity(size: 0, mtimeNanoseconds: 0, inode: 0, device: 0),
            options: ObjectOptions(),
            method: .put
        )
        #expect(try JSONDecoder().decode(UploadJob.self, from: Data(encoder.encode(put))) == put)
        let entry = JournalEntry(outcome: Self.outcome, identity: Self.job.identity, method: Self.job.method)
        let decoded = try JSONDecoder().decode(JournalEntry.self, from: Data(encoder.encode(entry)))
        #expect(
            decoded.outcome == entry.outcome && decoded.identity == entry.identity && decoded.method == entry.method
        )
    }

    @Test func writesTheSameDocumentAsFoundationsEncoder() throws {
        func document(_ bytes: some Sequence<UInt8>) throws -> NSDictionary {
            try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? NSDictionary)
        }
        let foundation = JSONEncoder()
        foundation.outputFormatting = [.withoutEscapingSlashes]
        for value in [Self.job as any Encodable, Self.outcome as any Encodable] {
            let ours = try StreamingJSONEncoder().encode(value)
            #expect(try document(ours) == document(foundation.encode(value)))
        }
    }

    @Test func outputIsCompactWithNilOptionalsLeftOutAndSlashesAndUnicodeUnescaped() throws {
        let outcome = JobOutcome(key: "a/é", status: .succeeded, method: .put, attempts: 1, durationSeconds: 1.5)
        let text = String(decoding: try StreamingJSONEncoder().encode(outcome), as: UTF8.self)
        #expect(
            text
                == #"{"key":"a/é","status":"succeeded","method":"put","attempts":1,"bytesSent":0,"durationSeconds":1.5}"#
        )
        // Control characters as JSON escapes, so a report line never breaks in two.
        let escaped = String(decoding: try StreamingJSONEncoder().encode(["k": "a\nb\u{1}\"\\"]), as: UTF8.self)
        #expect(escaped == #"{"k":"a\nb\u0001\"\\"}"#)
        #expect(!escaped.contains("\n"))
    }

    @Test func topLevelArraysNestedContainersAndPrimitivesWork() throws {
        struct Nested: Encodable {
            func encode(to encoder: any Encoder) throws {
                var outer = encoder.container(keyedBy: AnyKey.self)
                var list = outer.nestedUnkeyedContainer(forKey: AnyKey("list"))
                try list.encode(1)
                try list.encodeNil()
                var inner = list.nestedContainer(keyedBy: AnyKey.self)
                try inner.encode(UInt8(255), forKey: AnyKey("u8"))
                try inner.encode(Float(0.5), forKey: AnyKey("f"))
                try list.encode([Int16(-3)])
                var more = outer.nestedContainer(keyedBy: AnyKey.self, forKey: AnyKey("more"))
                try more.encode(true, forKey: AnyKey("ok"))
                try outer.encodeNil(forKey: AnyKey("none"))
            }
        }
        let text = String(decoding: try StreamingJSONEncoder().encode([Nested(), Nested()]), as: UTF8.self)
        let one = #"{"list":[1,null,{"u8":255,"f":0.5},[-3]],"more":{"ok":true},"none":null}"#
        #expect(text == "[\(one),\(one)]")
        #expect(
            String(decoding: try StreamingJSONEncoder().encode(UInt64.max), as: UTF8.self) == "18446744073709551615"
        )
    }

    @Test func aValueThatEncodesNothingIsAnEmptyObject() throws {
        struct Silent: Encodable { func encode(to encoder: any Encoder) throws {} }
        #expect(String(decoding: try StreamingJSONEncoder().encode(["a": Silent()]), as: UTF8.self) == #"{"a":{}}"#)
    }

    @Test func nonFiniteNumbersAreAnErrorNotInvalidJSON() {
        #expect(throws: EncodingError.self) { try StreamingJSONEncoder().encode(["d": Double.nan]) }
        #expect(throws: EncodingError.self) { try StreamingJSONEncoder().encode([Double.infinity]) }
    }
}

private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
