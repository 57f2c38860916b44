/// A plan's lines in key order, as `plan --json` and a new report list them: the jobs to upload with the
/// skipped files merged in. Skipped files are rare, so the jobs stay in their chunks and each skipped
/// file's position is found once, by binary search.
package struct PlanLines: RandomAccessCollection, Sendable {
    /// One line: a job, and why it is skipped (`nil`: to be uploaded).
    package struct Line: Sendable {
        package var job: UploadJob
        /// The skipped file this line is, if it is one.
        package var skippedLine: ReportJob?
        package var skipped: SkipReason? { skippedLine?.skipReason }

        /// The line's outcome in a new report: `pending`, or `skipped` with its reason (and, for `unchanged`,
        /// the indexed ETag and CRC-64).
        package var outcome: JobOutcome {
            skippedLine?.outcome ?? JobOutcome(key: job.objectKey, status: .pending)
        }
    }

    private let jobs: JobList
    private let skipped: [ReportJob]
    /// `skippedPositions[k]` is the line of `skipped[k]`; ascending.
    private let skippedPositions: [Int]

    init(jobs: JobList, skipped: [ReportJob]) {
        self.jobs = jobs
        self.skipped = skipped
        skippedPositions = Self.positions(of: skipped, among: jobs)
    }

    /// Where each of `skipped` stands among the lines: the jobs whose keys precede it plus the skipped files
    /// before it. Ascending, since both lists are in key order.
    static func positions(of skipped: [ReportJob], among jobs: JobList) -> [Int] {
        // By index: `enumerated()` copied each skipped file (its strings retained and released), which on a
        // night of 200,000 unchanged files was a tenth of laying out the report.
        var positions: [Int] = []
        positions.reserveCapacity(skipped.count)
        for k in skipped.indices {
            var low = 0
            var high = jobs.count
            while low < high {
                let middle = (low + high) / 2
                if SplitPath.precedes(jobs[middle].objectKey, skipped[k].spec.objectKey) {
                    low = middle + 1
                } else {
                    high = middle
                }
            }
            positions.append(low + k)
        }
        return positions
    }

    package var startIndex: Int { 0 }
    package var endIndex: Int { jobs.count + skipped.count }

    package subscript(position: Int) -> Line {
        guard !skipped.isEmpty else { return Line(job: jobs[position], skippedLine: nil) }
        // How many skipped lines come before `position`, and whether it is one.
        var low = 0
        var high = skippedPositions.count
        while low < high {
            let middle = (low + high) / 2
            if skippedPositions[middle] < position { low = middle + 1 } else { high = middle }
        }
        if low < skippedPositions.count && skippedPositions[low] == position {
            return Line(job: skipped[low].spec, skippedLine: skipped[low])
        }
        return Line(job: jobs[position - low], skippedLine: nil)
    }

    /// Each line in order without making a `Line` (which holds a skipped file's job twice): `job` gets a job
    /// to upload, handed over to keep (a borrowed one was copied again to be stored), `skipped` a skipped
    /// file's line, lent.
    package func forEach(job: (consuming UploadJob) -> Void, skipped: (borrowing ReportJob) -> Void) {
        var position = 0
        var next = 0
        func skippedHere() {
            while next < self.skipped.count && skippedPositions[next] == position {
                skipped(self.skipped[next])
                next += 1
                position += 1
            }
        }
        for chunk in jobs.chunks {
            for i in chunk.indices {
                skippedHere()
                job(chunk[i])
                position += 1
            }
        }
        skippedHere()
    }

    /// Goes through the jobs in their chunks, merging the skipped files in (no search per line).
    package struct Iterator: IteratorProtocol {
        private var jobs: JobList.Iterator
        private let skipped: [ReportJob]
        private let skippedPositions: [Int]
        private var position = 0
        private var nextSkipped = 0

        fileprivate init(_ lines: PlanLines) {
            jobs = lines.jobs.makeIterator()
            skipped = lines.skipped
            skippedPositions = lines.skippedPositions
        }

        package mutating func next() -> Line? {
            defer { position += 1 }
            if nextSkipped < skipped.count && skippedPositions[nextSkipped] == position {
                defer { nextSkipped += 1 }
                return Line(job: skipped[nextSkipped].spec, skippedLine: skipped[nextSkipped])
            }
            return jobs.next().map { Line(job: $0, skippedLine: nil) }
        }
    }

    package func makeIterator() -> Iterator { Iterator(self) }
}
