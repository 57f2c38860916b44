import Digests
import Foundation
import LocalOSS
import TestSupport
import Testing

/// PutObject, HeadObject, GetObject, DeleteObject and the bucket/key errors, over real HTTP (anonymous server).
@Suite struct ObjectOperationTests {
    @Test func putThenHeadReturnsStoredMetadataETagAndCRC() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let body = TestHTTP.bytes(5000)
            let put = try await TestHTTP.send(
                "PUT",
                oss.url(forKey: "docs/a.txt"),
                headers: [
                    "Content-Type": "text/plain", "Cache-Control": "no-cache", "Content-Disposition": "attachment",
                    "Content-Encoding": "identity", "x-oss-meta-owner": "etl", "x-oss-object-acl": "private",
                    "x-oss-storage-class": "IA", "x-oss-tagging": "a=1&b=2",
                ],
                body: body
            )
            #expect(put.status == 200)
            let md5Hex = MD5.hash(body).hexString.uppercased()
            #expect(put.header("ETag") == "\"\(md5Hex)\"")
            #expect(put.header("x-oss-hash-crc64ecma") == "\(CRC64.checksum(body))")

            let head = try await TestHTTP.send("HEAD", oss.url(forKey: "docs/a.txt"))
            #expect(head.status == 200)
            #expect(head.header("Content-Length") == "5000")
            #expect(head.header("ETag") == "\"\(md5Hex)\"")
            #expect(head.header("x-oss-hash-crc64ecma") == "\(CRC64.checksum(body))")
            #expect(head.header("Content-Type") == "text/plain")
            #expect(head.header("Cache-Control") == "no-cache")
            #expect(head.header("Content-Disposition") == "attachment")
            #expect(head.header("Content-Encoding") == "identity")
            #expect(head.header("x-oss-meta-owner") == "etl")
            #expect(head.header("x-oss-object-acl") == "private")
            #expect(head.header("x-oss-storage-class") == "IA")
            #expect(head.header("x-oss-tagging") == "a=1&b=2")
            #expect(head.header("x-oss-request-id")?.isEmpty == false)
        }
    }

    @Test func keepsS3StyleUserMetadataAsSentForS3Clients() async throws {
        // rclone and other S3 clients keep a file's modification time as x-amz-meta-mtime (OSS's S3-compatible
        // API stores it); without it they upload every unchanged file again.
        try await LocalOSSFixture.anonymous { oss in
            let put = try await TestHTTP.send(
                "PUT",
                oss.url(forKey: "s3/a.txt"),
                headers: ["X-Amz-Meta-Mtime": "1764745200.5", "x-amz-acl": "private"],
                body: Data("a".utf8)
            )
            #expect(put.status == 200)
            let head = try await TestHTTP.send("HEAD", oss.url(forKey: "s3/a.txt"))
            #expect(head.header("x-amz-meta-mtime") == "1764745200.5")
            #expect(head.header("x-amz-acl") == nil)
        }
    }

    @Test func getReturnsTheExactBytesStreamedFromDisk() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let body = TestHTTP.bytes(3 * 1024 * 1024 + 17, seed: 7)
            _ = try await TestHTTP.send("PUT", oss.url(forKey: "big.bin"), body: body)
            let get = try await TestHTTP.send("GET", oss.url(forKey: "big.bin"))
            #expect(get.status == 200)
            #expect(get.body == body)
            // Stored on disk, not only in memory.
            let files = try FileManager.default.subpathsOfDirectory(atPath: oss.directory.path)
            #expect(files.contains { $0.hasSuffix(".data") })
        }
    }

    /// A GET, and a CopyObject from the key, answers one version of its key whole, whatever PutObjects and
    /// DeleteObjects of the key come while it is answered: its body is as long as its Content-Length and has
    /// the bytes its ETag and Content-Type name, or it is 404. (Its data was opened by path after its metadata
    /// was read: a PUT in between sent the new bytes under the old length, and the extra bytes were read by a
    /// keep-alive client as its next answer.) Python's http.client is the client: keep-alive connections, the
    /// ETag checked by hashlib's MD5.
    @Test func getsAndCopiesRacingPutsAndDeletesOfTheirKeyEachAnswerOneVersionWhole() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let answer = try await Self.python(Self.racingClients, port: oss.port, bucket: oss.bucket)
            #expect((answer["bad"] as? [Any])?.isEmpty == true, "\(answer)")
            #expect((answer["whole"] as? Int ?? 0) >= 60, "\(answer)")
            #expect((answer["copies"] as? Int ?? 0) >= 5, "\(answer)")
            #expect((answer["writes"] as? Int ?? 0) >= 10, "\(answer)")
            #expect(answer["versions"] as? [String] == ["application/x-big", "application/x-small"], "\(answer)")
        }
    }

    /// Runs `script` with python3 (its arguments: the server's port and the bucket) and decodes what it prints.
    static func python(_ script: String, port: Int, bucket: String) async throws -> [String: Any] {
        let result = try await TestHTTP.runProcess("/usr/bin/env", ["python3", "-c", script, "\(port)", bucket])
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
            "\(result.stdout) \(result.stderr)"
        )
    }

    /// Two writers PUT a 2 MiB and a 256 KiB version of one key in turn, each with a Content-Type of its own (one
    /// writer DELETEs the key now and then); three readers GET it 60 times each over keep-alive connections,
    /// every fourth time copying it first and reading the copy. Prints how many answers were whole, how many
    /// copies, 404s and writes, the versions seen, and the bad answers.
    static let racingClients = """
        import hashlib, http.client, json, os, sys, threading
        port, bucket = int(sys.argv[1]), sys.argv[2]
        path = "/" + bucket + "/race.bin"
        versions = [(os.urandom(2 << 20), "application/x-big"), (os.urandom(256 << 10), "application/x-small")]
        def connect(): return http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        def send(c, method, target, body=None, headers={}):
            c.request(method, target, body=body, headers=headers); r = c.getresponse(); return r, r.read()
        done = threading.Event(); lock = threading.Lock(); seen = set(); bad = []
        counts = {"whole": 0, "copies": 0, "missing": 0, "writes": 0}
        def count(name):
            with lock: counts[name] += 1
        def whole(r, body):
            etag = '"' + hashlib.md5(body).hexdigest().upper() + '"'
            for data, kind in versions:
                if body == data and r.getheader("Content-Type") == kind and r.getheader("ETag") == etag \\
                        and int(r.getheader("Content-Length")) == len(body):
                    with lock: seen.add(kind)
                    return True
            with lock: bad.append([r.status, r.getheader("Content-Type"), r.getheader("Content-Length"), len(body)])
            return False
        def writer(w):
            c, i = connect(), 0
            try:
                while not done.is_set():
                    data, kind = versions[i % 2]
                    if w == 1 and i % 7 == 3: send(c, "DELETE", path)
                    else:
                        r, _ = send(c, "PUT", path, data, {"Content-Type": kind})
                        if r.status == 200: count("writes")
                    i += 1
            except Exception as e:
                with lock: bad.append("writer: " + repr(e)[:120])
        def reader(n):
            c = connect()
            for i in range(60):
                try:
                    target = path
                    if i % 4 == n:
                        target = "/" + bucket + "/race-copy-%d.bin" % n
                        r, _ = send(c, "PUT", target, headers={"x-oss-copy-source": path})
                        if r.status == 404: count("missing"); continue
                        if r.status != 200:
                            with lock: bad.append(["copy", r.status])
                            continue
                        count("copies")
                    r, body = send(c, "GET", target)
                    if r.status == 404: count("missing")
                    elif whole(r, body): count("whole")
                except Exception as e:
                    with lock: bad.append("reader: " + repr(e)[:120])
                    c.close(); c = connect()
        send(connect(), "PUT", path, versions[0][0], {"Content-Type": versions[0][1]})
        writers = [threading.Thread(target=writer, args=(w,)) for w in range(2)]
        readers = [threading.Thread(target=reader, args=(n,)) for n in range(3)]
        for t in writers + readers: t.start()
        for t in readers: t.join()
        done.set()
        for t in writers: t.join()
        print(json.dumps(dict(counts, versions=sorted(seen), bad=bad[:10])))
        """

    /// A CompleteMultipartUpload joins the bytes of the parts it chose, whatever is sent under their numbers
    /// before it has read its list: here part 1 is sent again between the completion's head (the server reads
    /// the upload) and its body (which lists the first part's ETag). The object is the first part's bytes,
    /// with their ETag. (Parts were files named by number only: the second part's bytes went in under the first
    /// one's ETag.)
    @Test func aCompletionJoinsThePartsItChoseThoughOneIsSentAgainMeanwhile() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let answer = try await Self.python(Self.completionRacingAPart, port: oss.port, bucket: oss.bucket)
            #expect(answer["resent"] as? Int == 200 && answer["complete"] as? Int == 200, "\(answer)")
            #expect(answer["object"] as? String == "first", "\(answer)")
            #expect(answer["etag"] as? String == answer["etag_of_bytes"] as? String, "\(answer)")
        }
    }

    /// Starts an upload with part 1, sends a completion's head listing it, waits until the server has it (the
    /// admin endpoint's count, then 200 ms more), sends part 1 again with other bytes, then the completion's
    /// body; prints the statuses and which bytes the object holds, its ETag and the ETag of its bytes.
    static let completionRacingAPart = """
        import hashlib, http.client, json, os, re, socket, sys, time
        port, bucket = int(sys.argv[1]), sys.argv[2]
        key = "/" + bucket + "/joined.bin"
        first, second = os.urandom(200 << 10), os.urandom(200 << 10)
        def send(method, target, body=None):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            c.request(method, target, body=body); r = c.getresponse(); data = r.read(); c.close(); return r, data
        def completions():
            stats = json.loads(send("GET", "/__localoss/stats")[1])
            return stats["requestsByOperation"].get("CompleteMultipartUpload", 0)
        upload = re.search(rb"<UploadId>(.*?)</UploadId>", send("POST", key + "?uploads")[1]).group(1).decode()
        part = key + "?partNumber=1&uploadId=" + upload
        chosen = send("PUT", part, first)[0].getheader("ETag")
        document = ("<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>" + chosen
                    + "</ETag></Part></CompleteMultipartUpload>").encode()
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        s.sendall(("POST %s?uploadId=%s HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nContent-Length: %d\\r\\n\\r\\n"
                   % (key, upload, len(document))).encode())
        deadline = time.time() + 60
        while completions() < 1 and time.time() < deadline: time.sleep(0.01)
        time.sleep(0.2)
        resent = send("PUT", part, second)[0].status
        s.sendall(document)
        answer = b""
        def more():
            chunk = s.recv(65536)
            if not chunk: sys.exit("the server closed the connection: " + repr(answer[:300]))
            return chunk
        while b"\\r\\n\\r\\n" not in answer: answer += more()
        head, _, rest = answer.partition(b"\\r\\n\\r\\n")
        length = int(re.search(rb"(?i)content-length: *(\\d+)", head).group(1))
        while len(rest) < length: rest += more()
        s.close()
        r, data = send("GET", key)
        print(json.dumps({
            "resent": resent, "complete": int(head.split()[1]), "answer": rest.decode(errors="replace")[:300],
            "object": "first" if data == first else "second" if data == second else "other",
            "etag": r.getheader("ETag"),
            "etag_of_bytes": '"' + hashlib.md5(hashlib.md5(data).digest()).hexdigest().upper() + '-1"'}))
        """

    @Test func percentEncodedSlashAddressesTheSameKey() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let url = URL(string: "\(oss.endpoint.absoluteString)/\(oss.bucket)/photos%2F2026%2Fcat%20%C3%BC.jpg")!
            #expect(try await TestHTTP.send("PUT", url, body: Data("meow".utf8)).status == 200)
            let get = try await TestHTTP.send("GET", oss.url(forKey: "photos/2026/cat ü.jpg"))
            #expect(get.text == "meow")
            #expect(oss.log.all.first?.key == "photos/2026/cat ü.jpg")
        }
    }

    @Test func virtualHostStyleUsesTheBucketFromHost() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let url = URL(string: "\(oss.endpoint.absoluteString)/vh/key.txt")!
            let put = try await TestHTTP.send(
                "PUT",
                url,
                headers: ["Host": "\(oss.bucket).oss-cn-hangzhou.aliyuncs.com"],
                body: Data("v".utf8)
            )
            #expect(put.status == 200)
            #expect(try await TestHTTP.send("HEAD", oss.url(forKey: "vh/key.txt")).status == 200)
        }
    }

    @Test func deleteRemovesTheObjectAndHeadThen404sWithoutBody() async throws {
        try await LocalOSSFixture.anonymous { oss in
            _ = try await TestHTTP.send("PUT", oss.url(forKey: "gone"), body: Data("x".utf8))
            #expect(try await TestHTTP.send("DELETE", oss.url(forKey: "gone")).status == 204)
            let head = try await TestHTTP.send("HEAD", oss.url(forKey: "gone"))
            #expect(head.status == 404)
            #expect(head.header("Content-Length") == "0")
            #expect(head.header("x-oss-ec") != nil)
            let get = try await TestHTTP.send("GET", oss.url(forKey: "gone"))
            #expect(get.xml("Code") == "NoSuchKey")
            #expect(get.xml("RequestId") == get.header("x-oss-request-id"))
        }
    }

    @Test func anyUnconfiguredBucketIsNoSuchBucket() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let reply = try await TestHTTP.send(
                "PUT",
                URL(string: "\(oss.endpoint.absoluteString)/other-bucket/k")!,
                body: Data("x".utf8)
            )
            #expect(reply.status == 404)
            #expect(reply.xml("Code") == "NoSuchBucket")
            #expect(reply.xml("EC") == reply.header("x-oss-ec"))
            #expect(reply.xml("HostId") != nil)
        }
    }

    @Test func forbidOverwriteRefusesAnExistingKeyWith409() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let h = ["x-oss-forbid-overwrite": "true"]
            #expect(
                try await TestHTTP.send("PUT", oss.url(forKey: "once"), headers: h, body: Data("1".utf8)).status == 200
            )
            let again = try await TestHTTP.send("PUT", oss.url(forKey: "once"), headers: h, body: Data("2".utf8))
            #expect(again.status == 409)
            #expect(again.xml("Code") == "FileAlreadyExists")
            #expect(try await TestHTTP.send("GET", oss.url(forKey: "once")).text == "1")
            // Without the header an overwrite is allowed.
            #expect(try await TestHTTP.send("PUT", oss.url(forKey: "once"), body: Data("3".utf8)).status == 200)
        }
    }

    @Test func contentMD5MismatchIsInvalidDigestAndStoresNothing() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let wrong = MD5.hash(Array("other".utf8)).base64String
            let reply = try await TestHTTP.send(
                "PUT",
                oss.url(forKey: "md5"),
                headers: ["Content-MD5": wrong],
                body: Data("data".utf8)
            )
            #expect(reply.status == 400)
            #expect(reply.xml("Code") == "InvalidDigest")
            #expect(try await TestHTTP.send("HEAD", oss.url(forKey: "md5")).status == 404)
            let right = MD5.hash(Array("data".utf8)).base64String
            #expect(
                try await TestHTTP.send(
                    "PUT",
                    oss.url(forKey: "md5"),
                    headers: ["Content-MD5": right],
                    body: Data("data".utf8)
                ).status == 200
            )
        }
    }

    @Test func everyResponseHasAUniqueRequestID() async throws {
        try await LocalOSSFixture.anonymous { oss in
            var ids = Set<String>()
            for i in 0..<20 {
                let r = try await TestHTTP.send("HEAD", oss.url(forKey: "k\(i)"))
                ids.insert(r.header("x-oss-request-id") ?? "")
            }
            #expect(ids.count == 20)
            #expect(!ids.contains(""))
        }
    }

    @Test func discardModeKeepsSizesAndHashesButNoData() async throws {
        try await LocalOSSFixture.anonymous(discard: true) { oss in
            let body = TestHTTP.bytes(200_000, seed: 3)
            let put = try await TestHTTP.send("PUT", oss.url(forKey: "d.bin"), body: body)
            #expect(put.header("x-oss-hash-crc64ecma") == "\(CRC64.checksum(body))")
            let head = try await TestHTTP.send("HEAD", oss.url(forKey: "d.bin"))
            #expect(head.header("Content-Length") == "200000")
            #expect(head.header("ETag") == "\"\(MD5.hash(body).hexString.uppercased())\"")
            let files = try FileManager.default.subpathsOfDirectory(atPath: oss.directory.path)
            #expect(!files.contains { $0.hasSuffix(".data") })
        }
    }

    @Test func aRestartedServerKeepsItsObjectsAndRemovesTemporaryBodiesLeftBehind() async throws {
        let dir = try TemporaryDirectory("localoss-restart")
        defer { dir.remove() }
        let config = LocalOSSConfiguration(dataDirectory: dir.url, buckets: ["b"])
        let first = try LocalOSSServer(configuration: config)
        let port1 = try await first.start()
        _ = try await TestHTTP.send(
            "PUT",
            URL(string: "http://127.0.0.1:\(port1)/b/kept")!,
            body: Data("still here".utf8)
        )
        await first.stop()
        // What a server killed mid-request leaves: a body it was receiving. The next one removes it.
        let orphan = dir.url.appendingPathComponent("tmp").appendingPathComponent("killed-mid-body")
        try Data(count: 4096).write(to: orphan)
        let second = try LocalOSSServer(configuration: config)
        let port2 = try await second.start()
        let text = try? await TestHTTP.send("GET", URL(string: "http://127.0.0.1:\(port2)/b/kept")!).text
        await second.stop()
        #expect(text == "still here")
        #expect(!FileManager.default.fileExists(atPath: orphan.path), "a killed server's temporary body stays")
    }
}
