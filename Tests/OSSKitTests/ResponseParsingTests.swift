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
}
