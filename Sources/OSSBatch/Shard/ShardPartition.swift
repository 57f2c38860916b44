import HeapModule

/// The deterministic split of a plan's lines among N shards, balanced by bytes and by count.
///
/// Each line weighs its size plus the mean size of the files no bigger than a shard's share of the bytes:
/// so bytes and file count weigh about equally in a shard's load (a shard of many small files and one of a
/// few big ones carry about the same), and a few huge files do not make every small one count as huge.
/// Lines are taken heaviest first (ties in plan order, which is key order) and each goes to the shard with
/// the least weight so far (ties to the lowest index): the longest-processing-time rule. A file bigger than
/// a shard's share ends up alone in its shard. Integer arithmetic only: given the same sizes in the same
/// order, every shard on every machine computes the same assignment.
package enum ShardPartition {
    /// For each of `sizes` (a plan's lines, in plan order), the index of the shard it belongs to.
    package static func assign(sizes: [Int64], count: Int) -> [Int32] {
        precondition(count >= 1 && count <= Shard.maximumCount)
        var owners = [Int32](repeating: 0, count: sizes.count)
        guard count > 1, !sizes.isEmpty else { return owners }
        let perFile = perFileWeight(sizes, count: count)
        var order = Array(sizes.indices)
        order.sort { a, b in sizes[a] != sizes[b] ? sizes[a] > sizes[b] : a < b }
        var loads = Heap((0..<count).map { Load(weight: 0, shard: Int32($0)) })
        for line in order {
            var least = loads.removeMin()
            owners[line] = least.shard
            least.weight += Int128(max(0, sizes[line])) + perFile
            loads.insert(least)
        }
        return owners
    }

    /// The mean size of the files no bigger than a shard's share of all bytes (at least 1).
    static func perFileWeight(_ sizes: [Int64], count: Int) -> Int128 {
        let total = sizes.reduce(Int128(0)) { $0 + Int128(max(0, $1)) }
        let share = total / Int128(count)
        var (bytes, files) = (Int128(0), Int128(0))
        for size in sizes where Int128(size) <= share {
            bytes += Int128(max(0, size))
            files += 1
        }
        return files == 0 ? 1 : max(1, bytes / files)
    }

    /// A shard's weight so far; the least first, ties to the lower index.
    private struct Load: Comparable {
        var weight: Int128
        var shard: Int32

        static func < (a: Load, b: Load) -> Bool { a.weight != b.weight ? a.weight < b.weight : a.shard < b.shard }
    }
}
