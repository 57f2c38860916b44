import Digests
import Foundation
import LocalOSS
import TestSupport
import Testing

/// Fault rules (API and admin endpoint), counters and the operation log.
@Suite struct FaultInjectionTests {
    @Test func failsOnlyTheNthMatchingRequestWithTheGivenStatusAndCode() async throws {
        try await LocalOSSFixture.anonymous { oss in
            oss.faults.add(.failNth(2, .putObject, status: 503, code: .serviceUnavailable))
            let statuses = try await (1...3).asyncMap { i in
                try await TestHTTP.send("PUT", oss.url(forKey: "k\(i)"), body: Data("x".utf8))
            }
            #expect(statuses.map(\.status) == [200, 503, 200])
            #expect(statuses[1].xml("Code") == "ServiceUnavailable")
            #expect(statuses[1].header("x-oss-request-id") != nil)
            // The failed request stored nothing.
            #expect(try await TestHTTP.send("HEAD", oss.url(forKey: "k2")).status == 404)
            // HEADs did not count against the PutObject rule.
            #expect(oss.log.all.filter { $0.operation == .putObject }.map(\.status) == [200, 503, 200])
        }
    }

    @Test func failsTheNextKRequestsMatchingAKeySubstringOnly() async throws {
        try await LocalOSSFixture.anonymous { oss in
            oss.faults.add(
                FaultRule(
                    operation: nil,
                    keyContains: "flaky",
                    count: 2,
                    action: .fail(status: 500, code: .internalError)
                )
            )
            var flaky: [Int] = []
            for _ in 0..<3 {
                flaky.append(try await TestHTTP.send("PUT", oss.url(forKey: "a/flaky"), body: Data("x".utf8)).status)
            }
            #expect(flaky == [500, 500, 200])
            #expect(try await TestHTTP.send("PUT", oss.url(forKey: "a/solid"), body: Data("x".utf8)).status == 200)
        }
    }

    @Test func resetAfterKBodyBytesCutsTheConnectionAndStoresNothing() async throws {
        try await LocalOSSFixture.anonymous { oss in
            oss.faults.add(FaultRule(operation: .putObject, action: .resetAfterBodyBytes(65_536)))
            let body = TestHTTP.bytes(4 * 1024 * 1024)
            await #expect(throws: TestHTTP.CurlFailure.self) {
                _ = try await TestHTTP.send("PUT", oss.url(forKey: "cut"), body: body)
            }
            let entry = try #require(oss.log.all.first)
            #expect(entry.errorCode == "InjectedReset")
            #expect(entry.bytes >= 65_536)
            #expect(entry.bytes < UInt64(body.count))
            #expect(try await TestHTTP.send("HEAD", oss.url(forKey: "cut")).status == 404)
            // The rule fired once: the retry goes through whole.
            let retry = try await TestHTTP.send("PUT", oss.url(forKey: "cut"), body: body)
            #expect(retry.header("x-oss-hash-crc64ecma") == "\(CRC64.checksum(body))")
        }
    }

    @Test func addedLatencyDelaysTheResponse() async throws {
        try await LocalOSSFixture.anonymous { oss in
            oss.faults.add(FaultRule(operation: .headObject, action: .delay(milliseconds: 400)))
            let start = ContinuousClock.now
            _ = try await TestHTTP.send("HEAD", oss.url(forKey: "slow"))
            #expect(ContinuousClock.now - start >= .milliseconds(400))
        }
    }

    @Test func wrongCRCAndWrongETagModesCorruptOnlyTheResponseHeaders() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let body = Data("payload".utf8)
            oss.faults.add(FaultRule(operation: .putObject, action: .wrongCRC))
            oss.faults.add(FaultRule(operation: .putObject, action: .wrongETag))
            let put = try await TestHTTP.send("PUT", oss.url(forKey: "w"), body: body)
            #expect(put.status == 200)
            #expect(put.header("x-oss-hash-crc64ecma") != "\(CRC64.checksum(body))")
            #expect(put.header("ETag") != "\"\(MD5.hash(body).hexString.uppercased())\"")
            // What was stored is right.
            let head = try await TestHTTP.send("HEAD", oss.url(forKey: "w"))
            #expect(head.header("x-oss-hash-crc64ecma") == "\(CRC64.checksum(body))")
        }
    }

    @Test func countsRequestsInFlightConnectionsAndBytes() async throws {
        try await LocalOSSFixture.anonymous { oss in
            oss.faults.add(FaultRule(operation: .putObject, count: nil, action: .delay(milliseconds: 500)))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<4 {
                    group.addTask {
                        _ = try await TestHTTP.send("PUT", oss.url(forKey: "c\(i)"), body: Data(count: 1000))
                    }
                }
                try await group.waitForAll()
            }
            let stats = oss.stats.snapshot
            #expect(stats.maxRequestsInFlight >= 2)
            #expect(stats.maxRequestsInFlight <= 4)
            #expect(stats.requestsInFlight == 0)
            #expect(stats.requestsTotal == 4)
            #expect(stats.connectionsAccepted == 4)
            #expect(stats.bytesReceived == 4000)
            oss.stats.reset()
            #expect(oss.stats.snapshot.maxRequestsInFlight == 0)
            #expect(oss.stats.snapshot.requestsTotal == 0)
        }
    }

    @Test func operationLogRecordsOperationKeyPartUploadStatusAndBytes() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let initiated = try await TestHTTP.send("POST", oss.url(forKey: "big", query: "uploads"))
            let id = try #require(initiated.xml("UploadId"))
            _ = try await TestHTTP.send(
                "PUT",
                oss.url(forKey: "big", query: "partNumber=3&uploadId=\(id)"),
                body: Data(count: 777)
            )
            let part = try #require(oss.log.all.last)
            #expect(part.operation == .uploadPart)
            #expect(part.key == "big")
            #expect(part.partNumber == 3)
            #expect(part.uploadID == id)
            #expect(part.status == 200)
            #expect(part.bytes == 777)
            #expect(oss.log.all.first?.operation == .initiateMultipartUpload)
        }
    }

    @Test func adminEndpointAddsRulesAndServesStatsAndLog() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let admin = oss.endpoint.absoluteString + "/__localoss"
            let rule =
                #"{"operation":"PutObject","skip":0,"count":1,"action":{"fail":{"status":429,"code":"Throttled"}}}"#
            #expect(
                try await TestHTTP.send("POST", URL(string: admin + "/faults")!, body: Data(rule.utf8)).status == 204
            )
            #expect(oss.faults.rules.count == 1)
            #expect(try await TestHTTP.send("PUT", oss.url(forKey: "t"), body: Data("x".utf8)).status == 429)
            let log = try await TestHTTP.send("GET", URL(string: admin + "/log")!)
            let entries = try JSONDecoder().decode([OperationLogEntry].self, from: log.body)
            #expect(entries.map(\.errorCode) == ["Throttled"])
            let stats = try JSONDecoder().decode(
                ServerStatsSnapshot.self,
                from: try await TestHTTP.send("GET", URL(string: admin + "/stats")!).body
            )
            #expect(stats.bytesReceived >= 1)
            #expect(stats.requestsTotal >= 3)
            #expect(try await TestHTTP.send("DELETE", URL(string: admin + "/faults")!).status == 204)
            #expect(oss.faults.rules.isEmpty)
        }
    }
}

extension Sequence {
    /// Maps in order, one element at a time.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}

/// A client that stops sending before the declared Content-Length.
@Suite struct IncompleteBodyTests {
    @Test func bodyCutShortByTheClientIsLoggedAsIncompleteBodyAndNotStored() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let script = """
                import socket, sys
                s = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
                s.sendall(b'PUT /\(oss.bucket)/short HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 100000\\r\\n\\r\\n' + b'a' * 1000)
                s.shutdown(socket.SHUT_WR)
                s.recv(100)
                s.close()
                """
            let run = try await TestHTTP.runProcess("/usr/bin/env", ["python3", "-c", script, "\(oss.port)"])
            #expect(run.status == 0, "\(run.stderr)")
            var entry: OperationLogEntry?
            for _ in 0..<100 where entry == nil {
                entry = oss.log.all.first
                if entry == nil { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(entry?.errorCode == "IncompleteBody")
            #expect(entry?.bytes == 1000)
            #expect(try await TestHTTP.send("HEAD", oss.url(forKey: "short")).status == 404)
            let temp = try FileManager.default.contentsOfDirectory(atPath: oss.directory.path + "/data/tmp")
            #expect(temp.isEmpty)
        }
    }
}

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

/// Fault rules as JSON (the admin endpoint's format).
@Suite struct FaultRuleJSONTests {
    @Test func absentCountMeansOnceAndNullCountMeansEveryFurtherMatch() throws {
        let once = try JSONDecoder().decode(FaultRule.self, from: Data(#"{"action":{"wrongCRC":{}}}"#.utf8))
        #expect(once.count == 1)
        #expect(once.skip == 0)
        #expect(once.operation == nil)
        let always = try JSONDecoder().decode(
            FaultRule.self,
            from: Data(#"{"operation":"UploadPart","count":null,"action":{"delay":{"milliseconds":5}}}"#.utf8)
        )
        #expect(always.count == nil)
        #expect(always.operation == .uploadPart)
        let roundTrip = try JSONDecoder().decode(FaultRule.self, from: JSONEncoder().encode(always))
        #expect(roundTrip == always)
    }
}
