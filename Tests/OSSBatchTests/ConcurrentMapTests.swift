import Foundation
import Testing

@testable import OSSBatch

@Suite struct ConcurrentMapTests {
    struct Failure: Error, Equatable { let index: Int }

    @Test func resultsComeBackInIndexOrder() {
        let squares = DispatchQueue.concurrentMap(iterations: 1000) { $0 * $0 }
        #expect(squares == (0..<1000).map { $0 * $0 })
        #expect(DispatchQueue.concurrentMap(iterations: 0) { $0 }.isEmpty)
    }

    @Test func theFirstErrorByIndexIsRethrown() {
        #expect(throws: Failure(index: 3)) {
            try DispatchQueue.concurrentMap(iterations: 100) { (i: Int) throws(Failure) -> Int in
                if i == 3 || i == 70 { throw Failure(index: i) }
                return i
            }
        }
    }

    @Test func rangesCoverEveryIndexOnceInOrder() {
        for count in [0, 1, 255, 256, 1000, 4097] {
            let ranges = DispatchQueue.ranges(splitting: count)
            #expect(ranges.flatMap { Array($0) } == Array(0..<count), "\(count)")
            if count < 256 { #expect(ranges.count == 1) }
        }
    }
}
