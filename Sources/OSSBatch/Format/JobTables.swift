import Dispatch
import LocalFiles
import OSSProtocol

/// The tables job lines refer to by index, so that what many jobs share is written once: each source
/// directory with the device its files are on, and each distinct set of object options, in order of first
/// use (the same jobs always give the same tables).
struct JobTables: Sendable, Equatable {
    private(set) var directories: [DirectoryRecord] = []
    private(set) var options: [ObjectOptions] = []

    /// Where one job's directory and options are in the tables.
    struct Reference: Sendable {
        var directory: Int32
        var options: Int32
    }

    /// Tables read from a document, to resolve its job lines.
    init(directories: [DirectoryRecord], options: [ObjectOptions]) {
        self.directories = directories
        self.options = options
    }

    /// The tables of `jobs`, and where each job's entries are.
    static func build<Jobs: Sequence<UploadJob>>(_ jobs: Jobs) -> (JobTables, [Reference]) {
        var builder = Builder()
        var references: [Reference] = []
        references.reserveCapacity(jobs.underestimatedCount)
        for job in jobs { references.append(builder.add(job.location.directory, job.identity.device, job.options)) }
        return (builder.tables, references)
    }

    /// The tables of a report's jobs, read where they are in the array (copying each job out to read three of
    /// its fields cost more than the rest; a report may have 1,000,000 jobs). A report of many jobs is read in
    /// parts on all cores, the parts' tables then joined in order: the same tables, in the same order of first
    /// use (on one core, a night of 200,000 unchanged files spent 5 ms here while the other waited, perf
    /// 2026-12-06).
    static func build(_ jobs: [ReportJob]) -> (JobTables, [Reference]) {
        let parts = DispatchQueue.ranges(splitting: jobs.count, serialBelow: 65_536)
        let built = DispatchQueue.concurrentMap(iterations: parts.count) { k in
            var builder = Builder()
            var references: [Reference] = []
            references.reserveCapacity(parts[k].count)
            for i in parts[k] {
                // The previous job's entries when its directory is this one's, bytes compared where the list
                // keeps them (passed to `add` for that, each path was retained and released: +10 ms a night).
                if i > parts[k].lowerBound, let last = references.last,
                    jobs[i].spec.identity.device == jobs[i - 1].spec.identity.device,
                    jobs[i].spec.options.sharesStorage(with: jobs[i - 1].spec.options),
                    ByteOrder.equals(
                        jobs[i].spec.location.directory.utf8.span,
                        jobs[i - 1].spec.location.directory.utf8.span
                    )
                {
                    references.append(last)
                    continue
                }
                references.append(
                    builder.add(jobs[i].spec.location.directory, jobs[i].spec.identity.device, jobs[i].spec.options)
                )
            }
            return (builder, references)
        }
        var (builder, references) = built[0]
        for (part, partReferences) in built.dropFirst() {
            // Each entry of the part's tables where it is in the joined ones: already there, or added now, in
            // the part's order of first use.
            let directories = part.tables.directories.map { builder.index(of: $0) }
            let options = part.tables.options.map { builder.index(of: $0) }
            references.reserveCapacity(references.count + partReferences.count)
            for r in partReferences {
                references.append(Reference(directory: directories[Int(r.directory)], options: options[Int(r.options)]))
            }
        }
        return (builder.tables, references)
    }

    /// Adds jobs' entries to tables in order of first use.
    private struct Builder: Sendable {
        var tables = JobTables(directories: [], options: [])
        var directoryIndex: [DirectoryRecord: Int32] = [:]
        var optionsIndex: [ExactOptions: Int32] = [:]
        // Neighbouring jobs mostly share both (a directory's files, an entry's options): the previous job's
        // are compared first (equal strings and options compare by identity first), and kept only when they
        // change: kept again for every job, they were retained and released 200,000 times a night (perf of an
        // unchanged night, 2026-12-06: half of building the tables).
        var lastPath = ""
        var lastDevice: UInt64 = 0
        var lastOptions = ObjectOptions()
        var lastReference: Reference?

        /// Where the entries of a job in `directory` on `device` with `options` are.
        mutating func add(_ path: String, _ device: UInt64, _ options: ObjectOptions) -> Reference {
            // The paths compared as bytes, as `DirectoryRecord` compares them (`ExactString`).
            if let lastReference, device == lastDevice, ExactOptions.same(options, lastOptions),
                ExactString.same(path, lastPath)
            {
                return lastReference
            }
            let directory = DirectoryRecord(path: path, device: device)
            var reference = Reference(directory: 0, options: 0)
            reference.directory = index(of: directory)
            reference.options = index(of: options)
            (lastPath, lastDevice, lastOptions, lastReference) = (path, device, options, reference)
            return reference
        }

        /// Where `directory` is in the tables, added at their end if it is not there yet.
        mutating func index(of directory: DirectoryRecord) -> Int32 {
            Self.index(of: directory, in: &tables.directories, &directoryIndex)
        }

        /// Where `options` are in the tables, added at their end if they are not there yet.
        mutating func index(of options: ObjectOptions) -> Int32 {
            if let known = optionsIndex[ExactOptions(options)] { return known }
            let index = Int32(tables.options.count)
            optionsIndex[ExactOptions(options)] = index
            tables.options.append(options)
            return index
        }

        /// Where `value` is in `table` (`positions` keeps each entry's), added at its end if it is not there.
        private static func index<Entry: Hashable>(
            of value: Entry,
            in table: inout [Entry],
            _ positions: inout [Entry: Int32]
        ) -> Int32 {
            if let known = positions[value] { return known }
            let index = Int32(table.count)
            positions[value] = index
            table.append(value)
            return index
        }
    }

    func directory(_ index: Int) throws(FormatError) -> DirectoryRecord {
        guard directories.indices.contains(index) else {
            throw FormatError("'dir' \(index) is not in the directories table (\(directories.count) entries)")
        }
        return directories[index]
    }

    func options(_ index: Int) throws(FormatError) -> ObjectOptions {
        guard options.indices.contains(index) else {
            throw FormatError("'options' \(index) is not in the options table (\(options.count) entries)")
        }
        return options[index]
    }
}
