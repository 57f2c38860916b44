import LocalFiles
import Testing

/// `Array(filledInParts:reservingCapacity:by:)`: parts written at once on all cores make one array, each part's
/// elements in its own stretch, in order.
@Suite struct ArrayFilledInPartsTests {
    @Test(arguments: [[Int](), [0], [5], [3, 0, 7, 1], [1_000, 1, 0, 0, 2_048, 9, 4_096, 17]])
    func eachPartsElementsLandInItsStretchInOrder(sizes: [Int]) {
        var cuts: [Range<Int>] = []
        for size in sizes { cuts.append((cuts.last?.upperBound ?? 0)..<((cuts.last?.upperBound ?? 0) + size)) }
        let parts = cuts
        let count = parts.last?.upperBound ?? 0
        // Values that own memory (strings), so that a stretch written twice or not at all would show.
        let array = [String](filledInParts: parts, reservingCapacity: count + 10) { k, out in
            for i in parts[k] { out.append("part \(k) element \(i)") }
        }
        let expected = parts.indices.flatMap { k in parts[k].map { "part \(k) element \($0)" } }
        #expect(array == expected)
        #expect(array.capacity >= count + 10)
    }

    @Test func aCapacityBelowTheCountGivesRoomForTheElements() {
        let array = [Int](filledInParts: [0..<3, 3..<5], reservingCapacity: 1) { k, out in
            for i in 0..<(k == 0 ? 3 : 2) { out.append(k * 10 + i) }
        }
        #expect(array == [0, 1, 2, 10, 11])
    }
}
