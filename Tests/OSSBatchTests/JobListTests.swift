import Foundation
import OSSProtocol
import Testing

@testable import OSSBatch

@Suite struct JobListTests {
    static func job(_ n: Int) -> UploadJob {
        UploadJob(
            source: "/data/file-\(n)",
            key: "k/\(n)",
            identity: SourceIdentity(size: Int64(n), mtimeNanoseconds: 1, inode: UInt64(n), device: 1),
            options: ObjectOptions(),
            method: .put
        )
    }

    static let chunked = JobList(chunks: [[job(0), job(1)], [], [job(2)], [job(3), job(4), job(5)]])

    @Test func positionsRunAcrossChunksInOrder() {
        let list = Self.chunked
        #expect(list.count == 6)
        #expect((0..<6).map { list[$0].key } == (0..<6).map { "k/\($0)" })
        #expect(list.map(\.key) == (0..<6).map { "k/\($0)" })
        #expect(Array(list.reversed()).map(\.size) == [5, 4, 3, 2, 1, 0])
        #expect(list.first?.key == "k/0" && list.last?.key == "k/5")
    }

    @Test func emptyListsHaveNoPositions() {
        #expect(JobList(chunks: []).isEmpty)
        #expect(JobList(chunks: [[], []]).isEmpty)
        var iterator = JobList([]).makeIterator()
        #expect(iterator.next() == nil)
    }

    @Test func listsAreEqualByTheirJobsHoweverChunked() {
        let flat = JobList((0..<6).map(Self.job))
        #expect(flat == Self.chunked)
        #expect(flat.hashValue == Self.chunked.hashValue)
        #expect(JobList((0..<5).map(Self.job)) != Self.chunked)
    }
}
