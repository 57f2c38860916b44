import Testing

@testable import OSSBatch

@Suite struct JobOutcomeStorageTests {
    @Test(arguments: [
        "\"9DD4E461268C8034F5C8564E155C67A6\"", "\"00000000000000000000000000000000\"",
        "\"FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF\"", "\"9dd4e461268c8034f5c8564e155c67a6\"",
        "\"9DD4E461268C8034F5C8564E155C67A6-3\"", "9DD4E461268C8034F5C8564E155C67A6", "", "\"\"", "\"é\"",
        "\"9DD4E461268C8034F5C8564E155C67A6x", "\"9DD4E461268C8034F5C8564E155C67A6\"\"",
        "x9DD4E461268C8034F5C8564E155C67A6\"",
    ])
    func anETagReadsBackAsExactlyItsText(text: String) {
        #expect(CompactETag(text).text == text)
        var outcome = JobOutcome(key: "k", status: .succeeded, etag: text)
        #expect(outcome.etag == text)
        outcome.etag = nil
        #expect(outcome.etag == nil)
    }

    @Test func onlyAnUpperCaseMD5ETagIsStoredAsNumbers() {
        #expect(
            CompactETag("\"9DD4E461268C8034F5C8564E155C67A6\"") == .md5(0x9DD4_E461_268C_8034, 0xF5C8_564E_155C_67A6)
        )
        #expect(CompactETag("\"9dd4e461268c8034f5c8564e155c67a6\"") == .text("\"9dd4e461268c8034f5c8564e155c67a6\""))
    }

    @Test func everyByteAtEveryDigitIsReadAsADigitOnlyWhenItIsAnUpperCaseHexDigit() {
        // The digits are read eight at a time in a word: each byte value in each place of a word.
        let hex = Array("0123456789ABCDEF".utf8)
        for at in 0..<32 {
            for byte in UInt8.min...UInt8.max {
                var bytes = [UInt8](repeating: UInt8(ascii: "0"), count: 34)
                (bytes[0], bytes[33]) = (0x22, 0x22)
                for i in 0..<32 { bytes[1 + i] = hex[(i * 7 + at) % 16] }
                bytes[1 + at] = byte
                let text = String(decoding: bytes, as: UTF8.self)
                let etag = CompactETag(utf8: bytes)
                if hex.contains(byte) {
                    let high = UInt64(String(decoding: bytes[1...16], as: UTF8.self), radix: 16)
                    let low = UInt64(String(decoding: bytes[17...32], as: UTF8.self), radix: 16)
                    #expect(etag == .md5(high ?? 0, low ?? 0), "\(byte) at \(at)")
                    #expect(etag.text == text)
                } else {
                    #expect(etag == .text(text), "\(byte) at \(at)")
                }
            }
        }
    }

    @Test func aDigitNextToTheHexRangesKeepsTheETagAsText() {
        // The digits are read without a branch on their kind: every byte just outside "0"..."9" and "A"..."F"
        // (and one with the high bits of a letter) must still fail the whole ETag, wherever it stands.
        for bad: UInt8 in [0x2F, 0x3A, 0x40, 0x47, 0x60, 0x61, 0x66, 0x7F, 0x81, 0xC1] {
            for at in [0, 15, 16, 31] {
                var bytes = [UInt8](repeating: UInt8(ascii: "A"), count: 34)
                (bytes[0], bytes[33], bytes[1 + at]) = (0x22, 0x22, bad)
                let text = String(decoding: bytes, as: UTF8.self)
                #expect(CompactETag(utf8: bytes) == .text(text), "\(bad) at \(at)")
                if bad < 0x80 { #expect(CompactETag(text) == .text(text), "\(bad) at \(at), from text") }
            }
        }
    }

    @Test func anETagFromBytesIsTheETagFromItsText() {
        for text in ["\"9DD4E461268C8034F5C8564E155C67A6\"", "\"0123456789ABCDEF0123456789ABCDEF\"", "\"x-3\"", ""] {
            #expect(CompactETag(utf8: Array(text.utf8)) == CompactETag(text))
        }
        // Bytes that are not UTF-8 read as the text SQLite's reader made of them (repaired), as before.
        #expect(CompactETag(utf8: [0x22, 0xFF, 0x22]).text == "\"\u{FFFD}\"")
    }

    @Test(arguments: [
        "0", "727031140999736901", "18446744073709551615", "18446744073709551616", "007", "-1", "+5", "x", "",
    ])
    func aCRC64ReadsBackAsExactlyItsText(text: String) {
        #expect(CompactDecimal(text).text == text)
        #expect(JobOutcome(key: "k", status: .succeeded, crc64: text).crc64 == text)
    }

    @Test func onlyACanonicalDecimalIsStoredAsANumber() {
        #expect(CompactDecimal("0") == .number(0))
        #expect(CompactDecimal("727031140999736901") == .number(727_031_140_999_736_901))
        #expect(CompactDecimal("18446744073709551615") == .number(.max))
        for text in ["007", "00", "18446744073709551616", "+5", "-1", "1e3", ""] {
            #expect(CompactDecimal(text) == .text(text))
        }
    }

    @Test func anOutcomeIsSmallInline() {
        // One per job in memory: 1,000,000 of them in a large batch (the layout before was 240 bytes). The key
        // is a `SplitPath` sharing its job's strings: 16 bytes more inline than a String, but no key string
        // (48 bytes and more on the heap) per job; the fields are ordered to leave no padding.
        print(
            "JobOutcome: \(MemoryLayout<JobOutcome>.stride) bytes, UploadJob: \(MemoryLayout<UploadJob>.stride) bytes"
        )
        #expect(MemoryLayout<JobOutcome>.stride <= 104)
        // A report keeps an outcome without its key, which is its job's.
        #expect(MemoryLayout<ReportJob>.stride <= MemoryLayout<UploadJob>.stride + 72)
    }

    @Test func rareFieldsReadAndWriteAsStoredFieldsDid() {
        var outcome = JobOutcome(key: "k", status: .pending)
        let plain = outcome
        outcome.uploadID = "u1"
        outcome.partsReused = 3
        outcome.checkpoint = "/cp/x.json"
        outcome.error = JobError(code: "InvalidArgument", message: "no", httpStatus: 400)
        outcome.warnings = ["w"]
        outcome.callback = CallbackResult(status: 200, body: "ok")
        let copy = outcome
        outcome.uploadID = "u2"
        #expect(copy.uploadID == "u1", "a copy keeps its own values")
        #expect(outcome.uploadID == "u2" && outcome.partsReused == 3 && outcome.checkpoint == "/cp/x.json")
        #expect(outcome.error?.code == "InvalidArgument" && outcome.warnings == ["w"] && outcome.callback?.body == "ok")
        #expect(outcome != copy && outcome.hashValue != copy.hashValue)
        for clear in [\JobOutcome.uploadID, \.checkpoint] as [WritableKeyPath<JobOutcome, String?>] {
            outcome[keyPath: clear] = nil
        }
        outcome.partsReused = nil
        outcome.error = nil
        outcome.warnings = nil
        outcome.callback = nil
        #expect(outcome == plain, "emptied, it equals an outcome that never had them")
        #expect(outcome.hashValue == plain.hashValue)
    }
}
