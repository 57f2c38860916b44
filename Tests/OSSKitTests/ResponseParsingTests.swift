import OSSKit
import OSSProtocol
import Testing

@Suite struct ResponseParsingTests {
    private func response(_ status: Int, _ body: String, headers: [(String, String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers.map { (name: $0.0, value: $0.1) }, body: Array(body.utf8))
    }

    @Test func errorXMLFillsEveryFieldAndKeepsExtraElements() {
        let body = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error>
              <Code>NoSuchUpload</Code>
              <Message>The specified upload does not exist.</Message>
              <RequestId>5C3D9175B6FC201293AD4890</RequestId>
              <HostId>bkt.oss-cn-hangzhou.aliyuncs.com</HostId>
              <UploadId>0004B999EF518A1FE585B0C9</UploadId>
              <EC>0042-00000002</EC>
            </Error>
            """
        let e = OSSServiceError(response: response(404, body, headers: [("x-oss-request-id", "other")]))
        #expect(e.httpStatus == 404 && e.code == .noSuchUpload && e.requestID == "5C3D9175B6FC201293AD4890")
        #expect(e.message == "The specified upload does not exist.")
        #expect(e.hostID == "bkt.oss-cn-hangzhou.aliyuncs.com" && e.ec == "0042-00000002")
        #expect(e.details == ["UploadId": "0004B999EF518A1FE585B0C9"])
    }

    /// A copy's ETag is the header OSS sends (as the official Python SDK reads it), else the result body's (as
    /// the Go SDKs read it): a server giving only the body gave each copied part an empty ETag.
    @Test func aCopysETagIsTheHeaderElseTheResultBodys() {
        let body =
            "<CopyPartResult><LastModified>2026-12-07T00:00:00.000Z</LastModified><ETag>\"B0DY\"</ETag></CopyPartResult>"
        #expect(OSSClient.copyETag(response(200, body, headers: [("ETag", "\"HEAD\"")])) == "\"HEAD\"")
        #expect(OSSClient.copyETag(response(200, body)) == "\"B0DY\"")
        #expect(OSSClient.copyETag(response(200, "")) == "")
    }

    @Test func bodylessErrorTakesRequestIDAndECFromHeaders() {
        let e = OSSServiceError(
            response: response(403, "", headers: [("X-Oss-Request-Id", "RID1"), ("x-oss-ec", "0003-1")])
        )
        #expect(e.requestID == "RID1" && e.ec == "0003-1" && e.code == .accessDenied)
    }

    @Test func nonXMLErrorBodyIsKeptInDetails() {
        let e = OSSServiceError(response: response(502, "<html>bad gateway</html"))
        #expect(e.code == .unknown("HTTP502"))
        #expect(e.details["body"] == "<html>bad gateway</html")
    }

    /// A proxy's or load balancer's page: its first words are in the message (the report's and the console's),
    /// on one line, so that the operator sees what answered; before, only "HTTP 502 without an error message"
    /// (review of c56b4e6).
    @Test func aNonXMLErrorBodyBeginsTheMessageOnOneLine() {
        let page =
            "<html>\r\n<head><title>502 Bad Gateway</title></head>\n\t<body>nginx\u{1B}[31m</body>"
            + String(repeating: "x", count: 500)
        let e = OSSServiceError(response: response(502, page))
        #expect(
            e.message.hasPrefix(
                "HTTP 502 without an error message (not an OSS answer; it begins: '<html> <head><title>502 Bad Gateway</title></head> <body>nginx [31m</body>xxx"
            ),
            "\(e.message)"
        )
        #expect(e.message.hasSuffix("…')"))
        #expect(!e.message.contains("\n") && !e.message.contains("\u{1B}") && e.message.count < 260)
        #expect(OSSServiceError(response: response(502, "")).message == "HTTP 502 without an error message")
        #expect(OSSServiceError(response: response(502, " \n\t ")).message == "HTTP 502 without an error message")
    }

    @Test func listPartsPageReadsPartsAndTheNextMarker() throws {
        let body = """
            <ListPartsResult><UploadId>U</UploadId><IsTruncated>true</IsTruncated><NextPartNumberMarker>2</NextPartNumberMarker>
            <Part><PartNumber>1</PartNumber><ETag>"E1"</ETag><HashCrc64ecma>123</HashCrc64ecma><Size>102400</Size></Part>
            <Part><PartNumber>2</PartNumber><ETag>"E2"</ETag><Size>5</Size></Part></ListPartsResult>
            """
        let page = try OSSClient.listPartsPage(response(200, body))
        #expect(
            page.parts == [
                ListedPart(partNumber: 1, etag: "\"E1\"", size: 102_400, crc64: 123),
                ListedPart(partNumber: 2, etag: "\"E2\"", size: 5, crc64: nil),
            ]
        )
        #expect(page.next == "2")
        let last = try OSSClient.listPartsPage(
            response(200, "<ListPartsResult><IsTruncated>false</IsTruncated></ListPartsResult>")
        )
        #expect(last.parts.isEmpty && last.next == nil)
    }

    @Test func truncatedPageWithoutMarkerIsAnInvalidResponse() {
        #expect(throws: OSSError.self) {
            try OSSClient.listPartsPage(
                response(200, "<ListPartsResult><IsTruncated>true</IsTruncated></ListPartsResult>")
            )
        }
        #expect(throws: OSSError.self) { try OSSClient.listObjectsPage(response(200, "not xml")) }
    }

    @Test func listObjectsAndUploadsPagesDecodeEntities() throws {
        let objects = try OSSClient.listObjectsPage(
            response(
                200,
                """
                <ListBucketResult><IsTruncated>true</IsTruncated><NextContinuationToken>tok</NextContinuationToken>
                <Contents><Key>a &amp; b.txt</Key><Size>3</Size><ETag>"X"</ETag></Contents></ListBucketResult>
                """
            )
        )
        #expect(objects.objects == [ObjectSummary(key: "a & b.txt", size: 3, etag: "\"X\"")] && objects.next == "tok")
        let uploads = try OSSClient.listUploadsPage(
            response(
                200,
                """
                <ListMultipartUploadsResult><IsTruncated>true</IsTruncated><NextKeyMarker>k</NextKeyMarker>
                <NextUploadIdMarker>u</NextUploadIdMarker><Upload><Key>k</Key><UploadId>u</UploadId>
                <Initiated>2026-11-25T18:50:10.000Z</Initiated></Upload></ListMultipartUploadsResult>
                """
            )
        )
        #expect(
            uploads.uploads == [MultipartUploadSummary(key: "k", uploadID: "u", initiated: "2026-11-25T18:50:10.000Z")]
        )
        #expect(uploads.next?.key == "k" && uploads.next?.uploadID == "u")
    }

    /// The message of the `invalidResponse` that `parse` throws; nil when it throws nothing.
    private func invalidResponse(_ parse: () throws(OSSError) -> Void) -> String? {
        do throws(OSSError) {
            try parse()
            return nil
        } catch {
            guard case .invalidResponse(let message, _, _) = error else { return "not invalidResponse: \(error)" }
            return message
        }
    }

    @Test func urlEncodedListingsGiveBackEveryKeyExactly() throws {
        let objects = try OSSClient.listObjectsPage(
            response(
                200,
                """
                <ListBucketResult><EncodingType>url</EncodingType><Prefix>d%01/</Prefix><IsTruncated>true</IsTruncated>
                <NextContinuationToken>ZA%2B%2F%3D</NextContinuationToken>
                <Contents><Key>d%01/cr%0Dx</Key><Size>1</Size><ETag>"A"</ETag></Contents>
                <Contents><Key>d%01/cr%0Ax</Key><Size>2</Size><ETag>"B"</ETag></Contents>
                <Contents><Key>d%01/100%25%20a%2Bb+%C3%BC%EF%BF%BF</Key><Size>3</Size><ETag>"C"</ETag></Contents>
                </ListBucketResult>
                """
            )
        )
        let keys = ["d\u{1}/cr\rx", "d\u{1}/cr\nx", "d\u{1}/100% a+b ü\u{FFFF}"]
        // Bytes, not String ==: a CR LF pair is one Character, and keys differ in single bytes.
        #expect(objects.objects.map { Array($0.key.utf8) } == keys.map { Array($0.utf8) })
        #expect(objects.next == "ZA+/=")

        let uploads = try OSSClient.listUploadsPage(
            response(
                200,
                """
                <ListMultipartUploadsResult><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>
                <NextKeyMarker>k%1B%0D</NextKeyMarker><NextUploadIdMarker>u%2B1</NextUploadIdMarker>
                <Upload><Key>k%1B%0D</Key><UploadId>u%2B1</UploadId><Initiated>2026-11-25T18:50:10.000Z</Initiated></Upload>
                </ListMultipartUploadsResult>
                """
            )
        )
        #expect(uploads.uploads.map { Array($0.key.utf8) } == [Array("k\u{1B}\r".utf8)])
        // An upload id is not among the fields OSS encodes: it stays as sent.
        #expect(uploads.uploads.first?.uploadID == "u%2B1")
        #expect(uploads.next.map { Array($0.key.utf8) } == Array("k\u{1B}\r".utf8) && uploads.next?.uploadID == "u%2B1")
    }

    @Test func aListingWithoutEncodingTypeKeepsItsKeysAsSent() throws {
        // A server that ignored encoding-type=url: decoding its raw keys would change them.
        let objects = try OSSClient.listObjectsPage(
            response(
                200,
                """
                <ListBucketResult><IsTruncated>true</IsTruncated><NextContinuationToken>a+b%2B</NextContinuationToken>
                <Contents><Key>100%25 a+b</Key><Size>1</Size></Contents></ListBucketResult>
                """
            )
        )
        #expect(objects.objects.map(\.key) == ["100%25 a+b"] && objects.next == "a+b%2B")
    }

    @Test func aMalformedEscapeOrAnUnknownEncodingIsAnInvalidResponseNamingTheField() {
        func objects(_ inner: String, encoding: String = "url") -> HTTPResponse {
            response(
                200,
                "<ListBucketResult><EncodingType>\(encoding)</EncodingType>\(inner)</ListBucketResult>"
            )
        }
        let contents = { (key: String) in
            "<IsTruncated>false</IsTruncated><Contents><Key>\(key)</Key><Size>1</Size></Contents>"
        }
        for key in ["100%", "a%zz", "%C3", "%FF"] {
            let message = invalidResponse { () throws(OSSError) in
                _ = try OSSClient.listObjectsPage(objects(contents(key)))
            }
            #expect(message?.contains("ListObjectsV2: Key '\(key)'") == true, "\(key): \(message ?? "parsed")")
        }
        let token = invalidResponse { () throws(OSSError) in
            _ = try OSSClient.listObjectsPage(
                objects(
                    "<IsTruncated>true</IsTruncated><NextContinuationToken>t%</NextContinuationToken>" + contents("k")
                )
            )
        }
        #expect(token?.contains("NextContinuationToken 't%'") == true, "\(token ?? "parsed")")
        let marker = invalidResponse { () throws(OSSError) in
            _ = try OSSClient.listUploadsPage(
                response(
                    200,
                    """
                    <ListMultipartUploadsResult><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>
                    <NextKeyMarker>%G1</NextKeyMarker><Upload><Key>k</Key><UploadId>u</UploadId></Upload>
                    </ListMultipartUploadsResult>
                    """
                )
            )
        }
        #expect(marker?.contains("ListMultipartUploads: NextKeyMarker '%G1'") == true, "\(marker ?? "parsed")")
        let unknown = invalidResponse { () throws(OSSError) in
            _ = try OSSClient.listObjectsPage(objects(contents("k"), encoding: "base64"))
        }
        #expect(unknown?.contains("EncodingType 'base64'") == true, "\(unknown ?? "parsed")")
    }
}
