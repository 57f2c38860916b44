import OSSBatch
import Testing

@Suite struct ValueParsingTests {
    @Test(arguments: [
        ("8MiB", Int64(8 << 20)), ("100KB", 100_000), ("512", 512), ("1.5GiB", 1_610_612_736),
        ("0", 0), ("100 KiB", 102_400), ("2TB", 2_000_000_000_000),
        // Decimal fractions exactly (as `Double`s, 8.2 × 1e6 was 8,199,999.999999999: refused).
        ("8.2MB", 8_200_000), ("4.1MB", 4_100_000), ("0.1KB", 100), ("1.1GB", 1_100_000_000),
    ])
    func sizesParseBinaryAndDecimalUnits(text: String, bytes: Int64) {
        #expect(ByteSize.parse(text) == bytes)
    }

    @Test(arguments: ["", "MiB", "-1", "8 mebibytes", "1.5B", "0x10"])
    func nonSizesAreRejected(text: String) {
        #expect(ByteSize.parse(text) == nil)
    }

    @Test func durationsTakeMillisecondsSecondsAndMinutes() {
        #expect(DurationText.parse("200ms") == 0.2)
        #expect(DurationText.parse("20s") == 20)
        #expect(DurationText.parse("5m") == 300)
        #expect(DurationText.parse("3") == 3)
        #expect(DurationText.parse("soon") == nil)
    }

    @Test func bytesFormatForPeople() {
        #expect(ByteSize.format(1023) == "1023 B")
        #expect(ByteSize.format(250_529) == "244.7 KiB")
        #expect(ByteSize.format(3 << 30) == "3.0 GiB")
    }

    @Test func objectKeyRules() {
        #expect(ObjectKey.problem(with: "a/b.txt") == nil)
        #expect(ObjectKey.problem(with: "") != nil)
        #expect(ObjectKey.problem(with: "\\x") != nil)
        #expect(ObjectKey.problem(with: String(repeating: "é", count: 512)) != nil)  // 1024 bytes
    }

    @Test func bucketNameRules() {
        #expect(BucketName.problem(with: "my-bucket-1") == nil)
        for bad in ["ab", "-abc", "abc-", "ABC", "a_b_c", String(repeating: "a", count: 64)] {
            #expect(BucketName.problem(with: bad) != nil, "\(bad)")
        }
    }

    @Test func contentTypesComeFromTheBuiltInTable() {
        #expect(ContentTypes.guess(forFileName: "a.JSON") == "application/json")
        #expect(ContentTypes.guess(forFileName: "photo.jpeg") == "image/jpeg")
        #expect(ContentTypes.guess(forFileName: "noext") == "application/octet-stream")
        #expect(ContentTypes.guess(forFileName: ".bashrc") == "application/octet-stream")
        // Only the last path component counts: a dot in a directory name is not an extension.
        #expect(ContentTypes.guess(forFileName: "/data/v1.json/README") == "application/octet-stream")
        #expect(ContentTypes.guess(forFileName: "/data/x.txt/.hidden") == "application/octet-stream")
        #expect(ContentTypes.guess(forFileName: "/data/archive.tar.gz") == "application/gzip")
        #expect(ContentTypes.guess(forFileName: "a.verylongext") == "application/octet-stream")
    }
}
