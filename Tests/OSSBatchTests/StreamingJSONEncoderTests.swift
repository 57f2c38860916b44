import Foundation
import OSSKit
import OSSProtocol
import Testing

@testable import OSSBatch

/// The one JSON writer must write what Foundation's decoder reads back as the same value, and the
/// same JSON document Foundation's encoder would write.
struct StreamingJSONEncoderTests {
    /// Every kind of value the report holds, with the strings that need escaping.
    static let awkward = "quote \" backslash \\ slash / newline \n tab \t cr \r nul \u{0} bell \u{7} unit \u{1F} é 中 🚀"

    static let job = UploadJob(
        source: "/data/\(awkward)",
        key: "k/\(awkward)",
        identity: SourceIdentity(size: (16 << 20) + 1, mtimeNanoseconds: -1, inode: .max, device: 0),
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
        uploadID: "U",
        etag: "\"E\"",
        crc64: "18446744073709551615",
        attempts: 7,
        bytesSent: 1 << 40,
        partsReused: 0,
        durationMilliseconds: 123,
        callback: CallbackResult(status: 203, body: awkward),
        checkpoint: nil,
        error: JobError(code: "CallbackFailed", message: awkward, httpStatus: 203, requestID: "R", ec: "0007-00000203"),
        warnings: [awkward, ""]
    )

    static let checkpoint: Checkpoint = {
        var c = Checkpoint(
            bucket: "b",
            key: awkward,
            source: "/data/\(awkward)",
            identity: job.identity,
            partPlan: PartPlan(partSize: 8 << 20, partCount: 3),
            uploadID: "U"
        )
        c.record(Checkpoint.Part(number: 1, size: 8 << 20, etag: "\"P1\"", crc64: .max))
        return c
    }()

    /// The values format 2 writes, as the report, journal and checkpoint files hold them.
    static var records: [any Codable] {
        let (tables, references) = JobTables.build([job])
        return [
            JobRecord(job: job, reference: references[0], outcome: outcome),
            JobRecord(journal: outcome, ran: job),
            ObjectOptionsRecord(job.options),
            checkpoint,
            tables.directories[0],
        ]
    }

    @Test func roundTripsThroughFoundationsDecoder() throws {
        let encoder = StreamingJSONEncoder()
        let (tables, references) = JobTables.build([Self.job])
        let line = try JSONDecoder().decode(
            JobRecord.self,
            from: Data(encoder.encode(JobRecord(job: Self.job, reference: references[0], outcome: Self.outcome)))
        )
        #expect(try line.job(in: tables) == Self.job)
        var outcome = Self.outcome
        outcome.key = Self.job.key  // a report line's outcome is its job's
        #expect(try line.outcome() == outcome)
        let journal = try JSONDecoder().decode(
            JobRecord.self,
            from: Data(encoder.encode(JobRecord(journal: Self.outcome, ran: Self.job)))
        )
        #expect(try journal.outcome() == Self.outcome)
        #expect(try journal.ranVersion()?.identity == Self.job.identity)
        #expect(try journal.ranVersion()?.method == Self.job.method)
        #expect(
            try JSONDecoder().decode(Checkpoint.self, from: Data(encoder.encode(Self.checkpoint))) == Self.checkpoint
        )
        let options = try JSONDecoder().decode(
            ObjectOptionsRecord.self,
            from: Data(encoder.encode(ObjectOptionsRecord(Self.job.options)))
        )
        #expect(options.options == Self.job.options)
    }

    @Test func writesTheSameDocumentAsFoundationsEncoder() throws {
        func document(_ bytes: some Sequence<UInt8>) throws -> NSDictionary {
            try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? NSDictionary)
        }
        let foundation = JSONEncoder()
        foundation.outputFormatting = [.withoutEscapingSlashes]
        for value in Self.records {
            let ours = try StreamingJSONEncoder().encode(value)
            #expect(try document(ours) == document(foundation.encode(value)))
        }
    }

    @Test func outputIsCompactWithNilOptionalsLeftOutAndSlashesAndUnicodeUnescaped() throws {
        let outcome = JobOutcome(key: "a/é", status: .succeeded, attempts: 1, durationMilliseconds: 1500)
        let text = String(
            decoding: try StreamingJSONEncoder().encode(JobRecord(journal: outcome, ran: nil)),
            as: UTF8.self
        )
        #expect(text == #"{"key":"a/é","status":"succeeded","attempts":1,"duration_ms":1500}"#)
        // Control characters as JSON escapes, so a report line never breaks in two.
        let escaped = String(decoding: try StreamingJSONEncoder().encode(["k": "a\nb\u{1}\"\\"]), as: UTF8.self)
        #expect(escaped == #"{"k":"a\nb\u0001\"\\"}"#)
        #expect(!escaped.contains("\n"))
        let more = String(decoding: try StreamingJSONEncoder().encode(["k": "\t\r\u{1F}\u{10}\u{7F}é"]), as: UTF8.self)
        #expect(more == #"{"k":"\t\r\u001f\u0010\#u{7F}é"}"#)
        // Every control character, read back by Foundation's parser as the character written.
        let all = String((0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) }) + "\"\\x"
        let parsed = try JSONSerialization.jsonObject(with: Data(try StreamingJSONEncoder().encode(["k": all])))
        #expect((parsed as? [String: String])?["k"] == all)
    }

    @Test func dictionaryKeysAreWrittenInByteOrderSoEqualValuesGiveEqualBytes() throws {
        // Swift's dictionary order differs from one process (hash seed) to the next, and with insertion history.
        var a: [String: Int] = [:]
        for k in ["b", "a", "é", "B", "", "ab", "z"] { a[k] = k.utf8.count }
        var b: [String: Int] = [:]
        for k in ["z", "ab", "", "B", "é", "a", "b"] { b[k] = k.utf8.count }
        let text = String(decoding: try StreamingJSONEncoder().encode(a), as: UTF8.self)
        #expect(text == #"{"":0,"B":1,"a":1,"ab":2,"b":1,"z":1,"é":2}"#)
        #expect(try StreamingJSONEncoder().encode(b) == StreamingJSONEncoder().encode(a))
        // Inside other values too.
        let options = ObjectOptions(metadata: ["z": "1", "a": "2"], tags: ["y": "1", "b": "2"])
        let encoded = String(decoding: try StreamingJSONEncoder().encode(ObjectOptionsRecord(options)), as: UTF8.self)
        #expect(encoded.contains(#""metadata":{"a":"2","z":"1"},"tags":{"b":"2","y":"1"}"#))
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
