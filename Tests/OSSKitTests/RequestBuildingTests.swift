import Foundation
import OSSKit
import OSSProtocol
import Testing

@Suite struct RequestBuildingTests {
    @Test func endpointParsingKeepsSchemeHostAndPort() throws {
        let plain = try Endpoint(parsing: "oss-cn-hangzhou.aliyuncs.com")
        #expect(plain.scheme == "https" && plain.host == "oss-cn-hangzhou.aliyuncs.com" && plain.port == nil)
        let local = try Endpoint(parsing: "http://127.0.0.1:9000/")
        #expect(local.scheme == "http" && local.host == "127.0.0.1" && local.port == 9000)
        #expect(local.requiresPathStyle)
        let v6 = try Endpoint(parsing: "http://[::1]:8080")
        #expect(v6.host == "[::1]" && v6.port == 8080)
        for bad in ["ftp://x", "http://", "http://h:0", "http://h:port", "http://h/path"] {
            #expect(throws: EndpointError.self) { try Endpoint(parsing: bad) }
        }
    }

    @Test func virtualHostPutsTheBucketInTheHostAndPathStyleInThePath() throws {
        let request = SignableRequest(
            method: "PUT",
            bucket: "bkt",
            key: "a b/c+d.txt",
            query: [.init("partNumber", "3"), .init("uploadId", "U/1")]
        )
        let aliyun = try Endpoint(parsing: "https://oss-cn-hangzhou.aliyuncs.com")
        #expect(
            aliyun.url(for: request, addressing: .virtualHost)
                == "https://bkt.oss-cn-hangzhou.aliyuncs.com/a%20b/c%2Bd.txt?partNumber=3&uploadId=U%2F1"
        )
        #expect(
            aliyun.url(for: request, addressing: .path)
                == "https://oss-cn-hangzhou.aliyuncs.com/bkt/a%20b/c%2Bd.txt?partNumber=3&uploadId=U%2F1"
        )
        // An IP address cannot carry a bucket subdomain: path style whatever was asked.
        let local = try Endpoint(parsing: "http://127.0.0.1:9000")
        let bucketLevel = SignableRequest(method: "GET", bucket: "bkt", key: nil, query: [.init("uploads")])
        #expect(local.url(for: bucketLevel, addressing: .virtualHost) == "http://127.0.0.1:9000/bkt/?uploads")
    }

    @Test func defaultOptionsSendNoHeaders() {
        #expect(ObjectOptions().headers.isEmpty)
    }

    @Test func everyOptionBecomesItsHeader() throws {
        let options = ObjectOptions(
            contentType: "image/png",
            acl: .publicRead,
            storageClass: .ia,
            metadata: ["Owner": "etl", "batch": "n 1"],
            tags: ["team": "a&b", "env": "prod"],
            cacheControl: "no-cache",
            contentDisposition: "attachment",
            contentEncoding: "gzip",
            forbidOverwrite: true
        )
        let headers = Dictionary(uniqueKeysWithValues: options.headers.map { ($0.name, $0.value) })
        #expect(
            headers == [
                "Content-Type": "image/png", "Cache-Control": "no-cache", "Content-Disposition": "attachment",
                "Content-Encoding": "gzip", "x-oss-object-acl": "public-read", "x-oss-storage-class": "IA",
                "x-oss-meta-owner": "etl", "x-oss-meta-batch": "n 1", "x-oss-tagging": "env=prod&team=a%26b",
                "x-oss-forbid-overwrite": "true",
            ]
        )
    }

    @Test func serverSideEncryptionOptionsBecomeTheirHeaders() {
        let kms = ObjectOptions(serverSideEncryption: .kms, sseKMSKeyID: "key-1", sseDataEncryption: .sm4)
        #expect(
            kms.headers.map { "\($0.name): \($0.value)" } == [
                "x-oss-server-side-encryption: KMS", "x-oss-server-side-encryption-key-id: key-1",
                "x-oss-server-side-data-encryption: SM4",
            ]
        )
        #expect(ObjectOptions(serverSideEncryption: .aes256).headers.map(\.value) == ["AES256"])
        #expect(ObjectOptions(serverSideEncryption: .sm4).headers.map(\.value) == ["SM4"])
    }

    @Test func callbackHeadersAreBase64JSONWithXPrefixedVars() throws {
        let callback = UploadCallback(
            url: "http://127.0.0.1:1/cb",
            host: "cb.example",
            body: "bucket=${bucket}&b=${x:batch}",
            bodyType: "application/json",
            vars: ["Batch": "nightly", "x:run": "7"]
        )
        let headers = Dictionary(uniqueKeysWithValues: callback.headers.map { ($0.name, $0.value) })
        let spec = try decode(try #require(headers["x-oss-callback"]))
        #expect(
            spec == [
                "callbackUrl": "http://127.0.0.1:1/cb", "callbackHost": "cb.example",
                "callbackBody": "bucket=${bucket}&b=${x:batch}", "callbackBodyType": "application/json",
            ]
        )
        #expect(try decode(try #require(headers["x-oss-callback-var"])) == ["x:batch": "nightly", "x:run": "7"])
        #expect(UploadCallback(url: "u", body: "b").headers.count == 1)
    }

    @Test func completeBodyListsPartsAscendingAndEscapesETags() {
        let xml = OSSClient.completeBody([
            CompletedPart(partNumber: 2, etag: "\"B\""), CompletedPart(partNumber: 1, etag: "<A&>"),
        ])
        #expect(
            xml.hasSuffix(
                "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&lt;A&amp;&gt;</ETag></Part>"
                    + "<Part><PartNumber>2</PartNumber><ETag>&quot;B&quot;</ETag></Part></CompleteMultipartUpload>"
            )
        )
    }

    private func decode(_ base64: String) throws -> [String: String] {
        let data = try #require(Data(base64Encoded: base64))
        return try JSONDecoder().decode([String: String].self, from: data)
    }
}
