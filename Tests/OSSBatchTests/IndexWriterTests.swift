import Foundation
import Logging
import OSSProtocol
import Synchronization
import TestSupport
import Testing

@testable import OSSBatch

/// The engine's side of the upload index, without a server.
@Suite struct IndexWriterTests {
    /// A new index in `dir`'s state directory.
    static func index(in dir: TemporaryDirectory) throws -> UploadIndex {
        let path = UploadIndex.path(endpoint: "http://e", bucket: "b", in: StateDirectory(path: dir.url.path))
        var warnings: [String] = []
        return try UploadIndex.open(at: path, warnings: &warnings)
    }

    /// File `i`'s job (key `k/fI`) and the outcome of its upload, as the engine hands them to the writer.
    static func succeeded(_ i: Int) -> (UploadJob, JobOutcome) {
        let job = UploadJob(
            source: "/src/f\(i)",
            key: "k/f\(i)",
            identity: SourceIdentity(size: 1, mtimeNanoseconds: 2, inode: UInt64(i), device: 3),
            options: ObjectOptions(),
            method: .put
        )
        return (job, JobOutcome(key: job.key, status: .succeeded, etag: "\"E\"", crc64: "1", ctimeNanoseconds: 4))
    }

    /// Each pending change holds its key locked (a record lock on one file, which the kernel goes through one by
    /// one at every lock): once they hold `heldKeysBeforeFlush` keys, they are written and the keys released
    /// then, not at the engine's next flush.
    @Test func changesHoldingManyKeysAreWrittenWithoutWaitingForTheEnginesFlush() throws {
        let dir = try TemporaryDirectory("index-writer")
        defer { dir.remove() }
        let index = try Self.index(in: dir)
        let released = Mutex<[String]>([])
        let writer = IndexWriter(index: index, report: "/r.json", logger: Logger(label: "test")) { keys in
            released.withLock { $0 += keys }
        }
        func add(_ i: Int) -> Bool {
            let (job, outcome) = Self.succeeded(i)
            return writer.add(job, outcome)
        }
        func entries() throws -> Int {
            var count = 0
            try index.scan { _ in count += 1 }
            return count
        }
        let limit = IndexWriter.heldKeysBeforeFlush
        for i in 0..<(limit - 1) { #expect(add(i)) }
        #expect(released.withLock { $0.isEmpty })
        #expect(try entries() == 0)
        #expect(add(limit - 1))
        #expect(released.withLock { $0.count } == limit)
        #expect(try entries() == limit)
        // The engine's flush then has nothing left to write.
        #expect(add(limit))
        writer.flush()
        #expect(released.withLock { $0.count } == limit + 1)
    }

    /// Jobs ending on many threads at once add their outcomes while one of them writes the changes that reached
    /// `heldKeysBeforeFlush`: every entry is written once, and every key released once, after its entry is in
    /// the index (released sooner, another batch's upload of the key could be indexed before this one).
    @Test func outcomesAddedOnManyThreadsAroundTheThresholdAreEachWrittenThenReleasedOnce() throws {
        let dir = try TemporaryDirectory("index-writer-threads")
        defer { dir.remove() }
        let index = try Self.index(in: dir)
        let released = Mutex<[String]>([])
        let releasedUnwritten = Mutex<[String]>([])
        let writer = IndexWriter(index: index, report: "/r.json", logger: Logger(label: "test")) { keys in
            let unwritten = keys.filter { (try? index.entry(key: $0)) == nil }
            releasedUnwritten.withLock { $0 += unwritten }
            released.withLock { $0 += keys }
        }
        let threads = 4
        let each = IndexWriter.heldKeysBeforeFlush * 3 / 2 + 7
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            for n in 0..<each {
                let (job, outcome) = Self.succeeded(t * each + n)
                #expect(writer.add(job, outcome))
            }
        }
        writer.flush()
        let all = (0..<(threads * each)).map { "k/f\($0)" }
        #expect(released.withLock { $0.sorted() } == all.sorted())
        #expect(releasedUnwritten.withLock { $0.isEmpty })
        var keys: [String] = []
        try index.scan { keys.append($0.key) }
        #expect(keys.sorted() == all.sorted())
    }
}
