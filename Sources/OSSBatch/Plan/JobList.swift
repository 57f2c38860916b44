/// A plan's jobs, in key order, kept in the chunks the directory walk made them in.
///
/// Each walk thread fills its own arrays; gathering 200,000 jobs into one array would copy every job
/// (retaining and releasing its strings) on one thread, a tenth of the whole plan. Reads are by
/// position, as with an array; a position is found by binary search over the chunks' ends.
package struct JobList: RandomAccessCollection, Sendable, Hashable, ExpressibleByArrayLiteral {
    /// Non-empty arrays of jobs, in order.
    private(set) var chunks: [[UploadJob]]
    /// `ends[i]` is the number of jobs in `chunks[0...i]`.
    private var ends: [Int]

    /// The jobs of `chunks`, in order (empty chunks are dropped).
    package init(chunks: [[UploadJob]]) {
        self.chunks = chunks.filter { !$0.isEmpty }
        var total = 0
        ends = self.chunks.map {
            total += $0.count
            return total
        }
    }

    package init(_ jobs: [UploadJob]) { self.init(chunks: [jobs]) }

    package init(arrayLiteral jobs: UploadJob...) { self.init(jobs) }

    package var startIndex: Int { 0 }
    package var endIndex: Int { ends.last ?? 0 }

    package subscript(position: Int) -> UploadJob {
        let (chunk, offset) = place(of: position)
        return chunks[chunk][offset]
    }

    /// Where job `position` is: its chunk and its offset in that chunk.
    func place(of position: Int) -> (chunk: Int, offset: Int) {
        precondition(position >= 0 && position < endIndex, "JobList index out of range")
        let chunk = chunkIndex(of: position)
        return (chunk, position - (chunk == 0 ? 0 : ends[chunk - 1]))
    }

    /// The chunk holding `position`: the first whose end lies beyond it.
    private func chunkIndex(of position: Int) -> Int {
        var low = 0
        var high = ends.count - 1
        while low < high {
            let middle = (low + high) / 2
            if ends[middle] > position { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// Goes through the chunks in order (no search per element).
    package struct Iterator: IteratorProtocol {
        private let chunks: [[UploadJob]]
        private var chunk = 0
        private var offset = 0

        fileprivate init(chunks: [[UploadJob]]) { self.chunks = chunks }

        package mutating func next() -> UploadJob? {
            guard chunk < chunks.count else { return nil }
            let job = chunks[chunk][offset]
            offset += 1
            if offset == chunks[chunk].count {
                chunk += 1
                offset = 0
            }
            return job
        }
    }

    package func makeIterator() -> Iterator { Iterator(chunks: chunks) }

    /// Equal when the jobs are, however they are chunked.
    package static func == (a: JobList, b: JobList) -> Bool { a.count == b.count && a.elementsEqual(b) }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for job in self { hasher.combine(job) }
    }
}
