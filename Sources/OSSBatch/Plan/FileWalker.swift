import Dispatch
import LocalFiles

/// Walks a directory tree: regular files only, symbolic links skipped unless followed, loops detected
/// by the (device, inode) of every directory on the current path. An entry's `filter` is applied to each
/// path before anything is stat'ed, opened or entered. Problems are collected, not thrown; a file it may
/// not read or a directory it may not list below the root is a problem or, with `onUnreadable: .skip`, a
/// skipped item. Entries that vanish while the walk runs are left out. With an `ownership` (a shard of
/// `shard_split: directories`), every directory is listed, to find its subdirectories, but only the files
/// of the shard's own directories are stat'ed and planned; the others' are counted by name (their kind
/// from the listing, stat'ed only where the file system does not give it).
///
/// Files come out sorted by the bytes of their relative path, so keys need no global sort. The root's
/// subdirectories are walked in parallel, and each found file is turned into the caller's element on
/// the thread that found it: a plan is mostly `fstatat` calls and per-file work, and both scale with cores.
struct FileWalker: Sendable {
    var followSymlinks: Bool
    /// Deepest level at which files are reported (1 = the root's own files), `nil` for unbounded.
    var maximumDepth: Int?
    /// What the entry selects; `nil` takes every file.
    var filter: WalkFilter?
    /// What an unreadable file or unlistable directory below the root becomes.
    var onUnreadable = OnUnreadable.fail
    /// The directories whose files this walk plans (`nil`: all of them).
    var ownership: DirectoryOwnership?

    private struct DirectoryID: Hashable, Sendable {
        var device: UInt64
        var inode: UInt64
    }

    /// The device of the directory being walked, as `stat` gives it and as identities keep it
    /// (`StableDevice`). The second is looked up (`statfs`) only where the first changes — at a mount point, a
    /// btrfs subvolume, a link followed to another file system — not once per directory or file.
    private struct Devices: Sendable {
        var raw: UInt64
        var stable: UInt64

        /// The devices of an item at `path` with this `status` (a file or a subdirectory); `path` is only
        /// made where `st_dev` changes.
        func of(_ status: FileStatus, at path: @autoclosure () -> String) -> Devices {
            status.device == raw
                ? self : Devices(raw: status.device, stable: StableDevice.of(path: path(), device: status.device))
        }
    }

    /// One directory entry worth visiting.
    private struct Child: Sendable {
        var name: String
        var isDirectory: Bool
        /// Set for followed symbolic links (the target's status); otherwise the entry is stat'ed on visit.
        var linkTarget: FileStatus?
    }

    /// A walk's output: elements in path order (in chunks, about one per subtree, so that they need not
    /// be copied on the way to the caller), problems, skipped items (in no particular order) and counts.
    struct Result<Element: Sendable>: Sendable {
        var chunks: [[Element]] = []
        var problems: [String] = []
        var skipped: [WalkSkip] = []
        var counts = WalkCounts()
        var count: Int { chunks.reduce(0) { $0 + $1.count } }
    }

    /// A directory about to be listed, as its parent saw it: what a skipped item needs if it cannot be.
    private struct Entered {
        var base: String
        var relative: String
        var name: String
        var status: FileStatus
        /// Its file system (`StableDevice`).
        var device: UInt64
        /// The directory that listed it (open while it is walked).
        var parent: ListedDirectory

        /// Whether `opened`, the directory opened by its path (which follows links), is the one its parent
        /// lists under its name: as stat'ed when it was entered, or else as stat'ed through the parent now (an
        /// automount point, which a stat does not mount and the open did; a directory renamed into place).
        func isListed(_ opened: FileStatus, followSymlinks: Bool) -> Bool {
            if opened.device == status.device && opened.inode == status.inode { return true }
            guard let now = try? parent.directory.status(of: name, followSymlinks: followSymlinks),
                now.kind == .directory
            else { return false }
            return now.device == opened.device && now.inode == opened.inode
        }
    }

    /// Makes the function that turns a found file into an element (or drops it, returning `nil`). Each
    /// thread of a walk makes its own, which may therefore keep state (a cache) without locking.
    typealias TransformMaker<Element> = @Sendable () -> (FoundFile) -> Element?

    /// One thread's share of a walk: what its transform made of the files found so far.
    private struct Accumulator<Element: Sendable> {
        let makeTransform: TransformMaker<Element>
        let transform: (FoundFile) -> Element?
        var elements: [Element] = []
        var chunks: [[Element]] = []
        var problems: [String] = []
        var skipped: [WalkSkip] = []
        var counts = WalkCounts()

        init(_ makeTransform: @escaping TransformMaker<Element>) {
            self.makeTransform = makeTransform
            transform = makeTransform()
        }

        /// Takes a subtree's output after what was found so far. Large chunks are kept as they are;
        /// small ones are copied into the current one, so that a directory of 100,000 one-file
        /// subdirectories does not become 100,000 arrays.
        mutating func absorb(_ subtree: Result<Element>) {
            for chunk in subtree.chunks {
                if chunk.count < 256 {
                    elements += chunk
                    continue
                }
                if !elements.isEmpty {
                    chunks.append(elements)
                    elements = []
                }
                chunks.append(chunk)
            }
            problems += subtree.problems
            skipped += subtree.skipped
            counts.add(subtree.counts)
        }

        /// Makes room for `count` more elements without growing the current chunk: growing an array copies
        /// it, touching its memory twice. A full chunk is closed and a new one started, twice as large as
        /// the last (up to 64k elements) or as large as needed.
        mutating func reserve(_ count: Int) {
            guard elements.capacity - elements.count < count else { return }
            let capacity = max(count, min(elements.capacity * 2, 1 << 16))
            if !elements.isEmpty { chunks.append(elements) }
            elements = []
            elements.reserveCapacity(capacity)
        }

        consuming func finish() -> Result<Element> {
            if !elements.isEmpty { chunks.append(elements) }
            return Result(chunks: chunks, problems: problems, skipped: skipped, counts: counts)
        }
    }

    /// Every regular file below `root`, in relative path byte order, passed through a transform from
    /// `makeTransform` (one per thread), and the problems met on the way.
    func walk<Element: Sendable>(
        root: String,
        rootStatus: FileStatus,
        makeTransform: @escaping TransformMaker<Element>
    ) -> Result<Element> {
        let rootID = DirectoryID(device: rootStatus.device, inode: rootStatus.inode)
        let devices = Devices(raw: rootStatus.device, stable: StableDevice.of(path: root, device: rootStatus.device))
        return split(
            root,
            relative: "",
            depth: 1,
            ancestors: [rootID],
            entered: nil,
            devices: devices,
            makeTransform: makeTransform
        )
    }

    /// Walks `path` with its subdirectories, and batches of its files, in parallel when it has several
    /// subdirectories or many files (a flat directory of 200,000 files is stat'ed on every core too). When it
    /// has a single subdirectory and few files, that subdirectory is split the same way, so that a tree whose
    /// top is a chain of lone directories (`exports/2024/…`) still keeps every core busy. The units'
    /// outputs are merged in order.
    /// (Here and below, `relative` is the directory's path from the root with a trailing `/`, or empty.)
    private func split<Element: Sendable>(
        _ path: String,
        relative: String,
        depth: Int,
        ancestors: Set<DirectoryID>,
        entered: Entered?,
        devices: Devices,
        makeTransform: @escaping TransformMaker<Element>
    ) -> Result<Element> {
        var here = Accumulator<Element>(makeTransform)
        guard
            let (directory, children) = list(
                path,
                relative: relative,
                depth: depth,
                entered: entered,
                devices: devices,
                into: &here
            )
        else {
            return here.finish()
        }
        let base = path.hasSuffix("/") ? path : path + "/"
        guard let units = Self.parallelUnits(of: children) else {
            here.reserve(children.count)
            for index in children.indices {
                var ancestors = ancestors
                visit(
                    children[index],
                    in: directory,
                    base: base,
                    relative: relative,
                    depth: depth,
                    ancestors: &ancestors,
                    devices: devices,
                    into: &here,
                    splitting: true
                )
            }
            return here.finish()
        }
        let listed = ListedDirectory(directory: directory)
        let parts = DispatchQueue.concurrentMap(iterations: units.count) { n in
            var part = Accumulator<Element>(makeTransform)
            if !children[units[n].lowerBound].isDirectory { part.reserve(units[n].count) }
            for index in units[n] {
                let child = children[index]
                var ancestors = ancestors
                if child.isDirectory {
                    do throws(FileSystemError) {
                        let status: FileStatus
                        if let target = child.linkTarget {
                            status = target
                        } else {
                            // From the listed directory, as `visit` does: by its whole path, a directory nested
                            // past the longest path the system takes could not even be stat'ed.
                            status = try listed.directory.status(of: child.name, followSymlinks: false)
                        }
                        enter(
                            child,
                            in: listed,
                            status: status,
                            base: base,
                            relative: relative,
                            depth: depth,
                            ancestors: &ancestors,
                            devices: devices,
                            into: &part
                        )
                    } catch {
                        // Gone since the listing: not there to upload.
                        if !error.doesNotExist {
                            unstatable(child, base: base, relative: relative, devices: devices, error, into: &part)
                        }
                    }
                } else {
                    visit(
                        child,
                        in: listed.directory,
                        base: base,
                        relative: relative,
                        depth: depth,
                        ancestors: &ancestors,
                        devices: devices,
                        into: &part
                    )
                }
            }
            return part.finish()
        }
        for part in parts { here.absorb(part) }
        return here.finish()
    }

    /// A directory whose listing is done, handed to the threads of a split so that they stat its files
    /// through its descriptor, and kept by its subdirectories' walks to check what they open (`Entered`):
    /// `Directory.status` is safe from several threads at once (see `Directory`), and nothing reads its stream
    /// again.
    private struct ListedDirectory: @unchecked Sendable {
        let directory: Directory
    }

    /// Files per parallel unit of a directory's own files.
    private static let fileBatch = 1024

    /// How a directory's children are shared out among threads, in order: each subdirectory alone, and the
    /// runs of files between them in batches of up to `fileBatch`. `nil` when that is not worth it — fewer
    /// than two subdirectories and two batches of files; then the caller goes down a lone subdirectory.
    private static func parallelUnits(of children: [Child]) -> [Range<Int>]? {
        let subdirectories = children.count { $0.isDirectory }
        guard subdirectories >= 2 || children.count - subdirectories >= 2 * fileBatch else { return nil }
        var units: [Range<Int>] = []
        var runStart: Int?
        func endRun(at end: Int) {
            guard let start = runStart else { return }
            for batchStart in stride(from: start, to: end, by: fileBatch) {
                units.append(batchStart..<min(batchStart + fileBatch, end))
            }
            runStart = nil
        }
        for index in children.indices {
            if children[index].isDirectory {
                endRun(at: index)
                units.append(index..<(index + 1))
            } else if runStart == nil {
                runStart = index
            }
        }
        endRun(at: children.count)
        return units
    }

    private func walk<Element>(
        directory path: String,
        relative: String,
        depth: Int,
        ancestors: inout Set<DirectoryID>,
        entered: Entered,
        devices: Devices,
        into result: inout Accumulator<Element>
    ) {
        guard
            let (directory, children) = list(
                path,
                relative: relative,
                depth: depth,
                entered: entered,
                devices: devices,
                into: &result
            )
        else { return }
        let base = path.hasSuffix("/") ? path : path + "/"
        result.reserve(children.count)
        for child in children {
            visit(
                child,
                in: directory,
                base: base,
                relative: relative,
                depth: depth,
                ancestors: &ancestors,
                devices: devices,
                into: &result
            )
        }
    }

    /// Opens and lists a directory: kinds resolved, links followed or dropped, the entry's filter applied,
    /// sorted for output. `entered` is `nil` for the root, which must be listable.
    private func list<Element>(
        _ path: String,
        relative: String,
        depth: Int,
        entered: Entered?,
        devices: Devices,
        into result: inout Accumulator<Element>
    ) -> (Directory, [Child])? {
        let directory: Directory
        let entries: [DirectoryEntry]
        do {
            directory = try Directory(path: path)
            // Opened by its path, which follows links: a directory replaced by a symbolic link between its stat
            // and this open (by whoever may write its parent) is not the one its parent lists. Left out as a
            // directory gone since the listing is: walked, a link to `/root` had its files planned under this
            // tree's keys, and uploaded as planned (review of ca63f16). Its parent was checked the same way, so
            // every directory walked is one its parent listed.
            if let entered, !entered.isListed(try directory.status(), followSymlinks: followSymlinks) { return nil }
            entries = try directory.entries()
        } catch {
            if let entered {
                if error.doesNotExist { return nil }  // removed since its parent was listed
                // Below the root, any directory that cannot be listed — not this user's to read, nested past the
                // system's longest path, an I/O error — is left out with what it holds (a problem under `fail`):
                // one nested past PATH_MAX stopped every night's batch, exit 2 (audit of 49872c5).
                unlistable(entered, because: error.isPermissionDenied ? nil : error.reason, into: &result)
                return nil
            }
            result.problems.append("cannot list directory \(error.path): \(error.reason)")
            return nil
        }
        let base = path.hasSuffix("/") ? path : path + "/"
        let owned = ownership?.owns(directory: relative) ?? true
        var children: [Child] = []
        children.reserveCapacity(entries.count)
        // What each child sorts by: its name's bytes, and a directory as "name/" (its files' paths go on so).
        var sortKeys = ByteOrder.PackedKeys(count: entries.count)
        // The names an unnameable entry's line may not show (its siblings'), gathered only in a directory that
        // has such an entry.
        var taken: Set<ExactString>?
        for entry in entries {
            guard let name = entry.utf8Name else {
                if taken == nil { taken = Set(entries.compactMap { $0.utf8Name.map(ExactString.init) }) }
                unnameable(
                    entry,
                    taking: &taken!,
                    in: directory,
                    base: base,
                    relative: relative,
                    depth: depth,
                    devices: devices,
                    owned: owned,
                    into: &result
                )
                continue
            }
            do throws(FileSystemError) {
                var kind = entry.kind
                var linkTarget: FileStatus?
                var statted = false
                if kind == .unknown {
                    kind = try directory.status(of: name, followSymlinks: false).kind
                    statted = true
                }
                if kind == .symlink && followSymlinks {
                    do {
                        let target = try directory.status(of: name, followSymlinks: true)
                        kind = target.kind
                        linkTarget = target
                        statted = true
                    } catch {
                        brokenLink(base + name, error, path: relative + name, owned: owned, into: &result) {
                            guard let link = try? directory.status(of: name, followSymlinks: false) else { return nil }
                            return WalkSkip(
                                directory: relative,
                                name: name,
                                source: SplitPath(directory: base, name: name),
                                status: link,
                                device: devices.of(link, at: base + name).stable,
                                reason: .brokenLink
                            )
                        }
                        continue
                    }
                }
                if !owned && kind != .directory {
                    // Another shard's: the name says whether the entry wants it, nothing else is looked at.
                    if statted { result.counts.examinedFiles += 1 }
                    switch filter?.verdict(file: relative + name) ?? .selected {
                    case .selected: if kind == .regular { result.counts.otherShardFiles += 1 }
                    case .unselected: break
                    case .excluded(let pattern): result.counts.usedExcludes.insert(pattern)
                    }
                    continue
                }
                if let filter,
                    !Self.wants(filter, relative + name, isDirectory: kind == .directory, owned: owned, into: &result)
                {
                    continue
                }
                switch kind {
                case .regular, .directory: break
                case .symlink:
                    result.counts.links += 1
                    continue
                default:  // FIFOs, sockets, devices: not files
                    result.counts.specialFiles += 1
                    continue
                }
                sortKeys.append(kind == .directory ? name + "/" : name)
                children.append(Child(name: name, isDirectory: kind == .directory, linkTarget: linkTarget))
            } catch {
                // Only an entry whose kind the listing did not give is stat'ed here: taken for a file (what it
                // is, a directory or not, is what cannot be found out), if this shard owns it and the entry's
                // patterns select it.
                if !error.doesNotExist, owned, filter.map({ $0.verdict(file: relative + name) == .selected }) ?? true {
                    unstatable(
                        Child(name: name, isDirectory: false, linkTarget: nil),
                        base: base,
                        relative: relative,
                        devices: devices,
                        error,
                        into: &result
                    )
                }
            }
        }
        let order = sortKeys.sortedPositions()
        return (directory, order.map { children[$0] })
    }

    /// Whether the entry's patterns want the child at `path`. One they exclude is counted, once, by the shard
    /// owning the directory listed.
    private static func wants<Element>(
        _ filter: WalkFilter,
        _ path: String,
        isDirectory: Bool,
        owned: Bool,
        into result: inout Accumulator<Element>
    ) -> Bool {
        switch isDirectory ? filter.verdict(directory: path) : filter.verdict(file: path) {
        case .selected: return true
        case .unselected: return false
        case .excluded(let pattern):
            result.counts.usedExcludes.insert(pattern)
            guard owned else { return false }
            if isDirectory {
                result.counts.excludedDirectories += 1
            } else {
                result.counts.excludedFiles += 1
            }
            return false
        }
    }

    /// A followed symbolic link whose target is gone, shown as `shown`. A link the entry's patterns do not want
    /// at `path`, or another shard's, is nothing, broken or not. Else, as `upload.on_unreadable` says: `skip`
    /// records `skipped` (the link's own line, made from its own status; `nil` if the link is gone too), `fail`
    /// makes it a problem. A dangling `current -> releases/r1` must not stop every night's batch.
    private func brokenLink<Element>(
        _ shown: String,
        _ error: FileSystemError,
        path: String,
        owned: Bool,
        into result: inout Accumulator<Element>,
        skipped: () -> WalkSkip?
    ) {
        // Through `wants`, so that an excluded one counts as any excluded file does (and its pattern as used).
        let wanted = filter.map { Self.wants($0, path, isDirectory: false, owned: owned, into: &result) } ?? true
        guard owned, wanted else { return }
        switch onUnreadable {
        case .skip:
            if let line = skipped() { result.skipped.append(line) }
        case .fail:
            result.problems.append(
                "broken symbolic link \(shown): \(error.reason) (upload.on_unreadable: fail; 'skip' leaves it out)"
            )
        }
    }

    /// An entry whose name is not valid UTF-8, which no object key can name. The entry's patterns see the name
    /// with each such byte as U+FFFD (a pattern is UTF-8, so only a wildcard can stand for one): an entry they
    /// do not select is passed over, and one they exclude counted, as any other; a selected file or directory
    /// is skipped (reason `unnameable`, named with those bytes as `\xNN`) or a problem, as `on_unreadable`
    /// says. It is stat'ed only where its kind is not known from the listing, or once it is selected.
    private func unnameable<Element>(
        _ entry: DirectoryEntry,
        taking taken: inout Set<ExactString>,
        in directory: Directory,
        base: String,
        relative: String,
        depth: Int,
        devices: Devices,
        owned: Bool,
        into result: inout Accumulator<Element>
    ) {
        let patternPath = relative + String(decoding: entry.name, as: UTF8.self)
        // Its bytes escaped, and unlike every other name here: a sibling literally named `bad\xff.tmp` beside
        // `bad<0xFF>.tmp` gave the job and this line one key, and the report was refused when read back ("'key'
        // appears twice": no status, no resume; review of ca63f16). A `~` a clash (the line is never uploaded).
        var shown = PathEscaping.escape(entry.name)
        while taken.contains(ExactString(shown)) { shown += "~" }
        taken.insert(ExactString(shown))
        // As the skipped line's source will say (the directory above is UTF-8: the walk got into it).
        let shownPath = base + shown
        var kind = entry.kind
        var status: FileStatus?
        do throws(FileSystemError) {
            // The kind resolved as for any other name: from the listing, else a stat; a followed link's target's.
            if kind == .unknown {
                let found = try directory.status(of: entry.name, followSymlinks: false)
                (kind, status) = (found.kind, found)
            }
            if kind == .symlink && followSymlinks {
                do {
                    let target = try directory.status(of: entry.name, followSymlinks: true)
                    (kind, status) = (target.kind, target)
                } catch {
                    // No key can name it either way: a line of its own kind, `unnameable`.
                    brokenLink(shownPath, error, path: patternPath, owned: owned, into: &result) {
                        guard let link = try? directory.status(of: entry.name, followSymlinks: false) else {
                            return nil
                        }
                        return WalkSkip(
                            directory: relative,
                            name: shown,
                            source: SplitPath(directory: base, name: shown),
                            status: link,
                            device: devices.of(link, at: shownPath).stable,
                            reason: .unnameable
                        )
                    }
                    return
                }
            }
            if let filter,
                !Self.wants(filter, patternPath, isDirectory: kind == .directory, owned: owned, into: &result)
            {
                return
            }
            switch kind {
            case .regular:
                guard owned else {
                    result.counts.otherShardFiles += 1
                    return
                }
            case .directory:
                if let maximumDepth, depth >= maximumDepth { return }
                // Its line's key is the key prefix of what it holds: the shard owning that records it.
                guard ownership?.owns(directory: relative + shown + "/") ?? true else { return }
            case .symlink:
                if owned { result.counts.links += 1 }
                return
            default:
                if owned { result.counts.specialFiles += 1 }
                return
            }
            switch onUnreadable {
            case .skip:
                let itemStatus: FileStatus
                if let status {
                    itemStatus = status
                } else {
                    itemStatus = try directory.status(of: entry.name, followSymlinks: false)
                }
                result.skipped.append(
                    WalkSkip(
                        directory: relative,
                        name: shown,
                        source: SplitPath(directory: base, name: shown),
                        status: itemStatus,
                        // Named as shown, a path `statfs` cannot find: a file system first met here keeps `st_dev`.
                        device: devices.of(itemStatus, at: shownPath).stable,
                        reason: .unnameable
                    )
                )
            case .fail:
                result.problems.append(
                    "\(kind == .directory ? "directory" : "file") name is not valid UTF-8: \(shownPath) (OSS keys must be UTF-8: rename it, exclude it, or set upload.on_unreadable: skip to leave it out)"
                )
            }
        } catch {
            // Gone since the listing: not there to upload.
            if !error.doesNotExist { result.problems.append("cannot stat \(shownPath): \(error.reason)") }
        }
    }

    /// A directory below the root that this process may not list (`why`: for another reason than its
    /// permissions): skipped, or a problem.
    private func unlistable<Element>(
        _ entered: Entered,
        because why: String? = nil,
        into result: inout Accumulator<Element>
    ) {
        // Its line's key is the key prefix of what it holds: the shard owning that records it, alone.
        guard ownership?.owns(directory: entered.relative + entered.name + "/") ?? true else { return }
        let path = entered.base + entered.name
        switch onUnreadable {
        case .skip:
            result.skipped.append(
                WalkSkip(
                    directory: entered.relative,
                    name: entered.name,
                    source: SplitPath(directory: entered.base, name: entered.name),
                    status: entered.status,
                    device: entered.device,
                    reason: .unlistable,
                    why: why
                )
            )
        case .fail:
            result.problems.append(
                "cannot list directory \(path): \(why ?? "permission denied") (upload.on_unreadable: fail; 'skip' leaves it out)"
            )
        }
    }

    private func visit<Element>(
        _ child: Child,
        in directory: Directory,
        base: String,
        relative: String,
        depth: Int,
        ancestors: inout Set<DirectoryID>,
        devices: Devices,
        into result: inout Accumulator<Element>,
        splitting: Bool = false
    ) {
        do throws(FileSystemError) {
            let status: FileStatus
            if let target = child.linkTarget {
                status = target
            } else {
                status = try directory.status(of: child.name, followSymlinks: false)
            }
            // A file replaced since the listing (a symbolic link put in its place): gone, as the listed file.
            // (A directory is checked where it is entered.)
            guard child.isDirectory || status.kind == .regular else { return }
            if !child.isDirectory { result.counts.examinedFiles += 1 }
            if child.isDirectory {
                enter(
                    child,
                    in: ListedDirectory(directory: directory),
                    status: status,
                    base: base,
                    relative: relative,
                    depth: depth,
                    ancestors: &ancestors,
                    devices: devices,
                    into: &result,
                    splitting: splitting
                )
            } else if ProcessIdentity.current.mayRead(status) || directory.mayOpen(child.name, listing: false) {
                let file = FoundFile(
                    directory: relative,
                    name: child.name,
                    source: SplitPath(directory: base, name: child.name),
                    status: status,
                    device: devices.of(status, at: base + child.name).stable
                )
                if let element = result.transform(file) {
                    result.elements.append(element)
                }
            } else if onUnreadable == .skip {
                result.skipped.append(
                    WalkSkip(
                        directory: relative,
                        name: child.name,
                        source: SplitPath(directory: base, name: child.name),
                        status: status,
                        device: devices.of(status, at: base + child.name).stable,
                        reason: .unreadable
                    )
                )
            } else {
                result.problems.append(
                    "cannot read \(base + child.name): permission denied (upload.on_unreadable: fail; 'skip' leaves it out)"
                )
            }
        } catch {
            // Gone since the listing: not there to upload.
            if !error.doesNotExist {
                unstatable(child, base: base, relative: relative, devices: devices, error, into: &result)
            }
        }
    }

    /// A listed child that cannot be stat'ed (`EACCES`: a FUSE mount of another user without `allow_other`,
    /// which refuses root too, or a directory this user may list but not search; `ENOTCONN`: a dead network
    /// mount; `EIO`): as `upload.on_unreadable` says, a file unreadable and a directory unlistable, its line
    /// with no identity (it has none to give: size, mtime and inode 0, its parent's device). Before, it was a
    /// problem whatever `on_unreadable` said: one user's `sshfs` mount in a backed-up home stopped every
    /// night's batch, exit 2.
    private func unstatable<Element>(
        _ child: Child,
        base: String,
        relative: String,
        devices: Devices,
        _ error: FileSystemError,
        into result: inout Accumulator<Element>
    ) {
        // A directory's line's key is the key prefix of what it holds: the shard owning that records it, alone.
        if child.isDirectory, !(ownership?.owns(directory: relative + child.name + "/") ?? true) { return }
        let why = "cannot stat it: \(error.reason)"
        switch onUnreadable {
        case .skip:
            result.skipped.append(
                WalkSkip(
                    directory: relative,
                    name: child.name,
                    source: SplitPath(directory: base, name: child.name),
                    status: FileStatus(
                        kind: child.isDirectory ? .directory : .regular,
                        size: 0,
                        mtimeNanoseconds: 0,
                        inode: 0,
                        device: devices.raw,
                        permissions: 0
                    ),
                    device: devices.stable,
                    reason: child.isDirectory ? .unlistable : .unreadable,
                    why: why
                )
            )
        case .fail:
            result.problems.append(
                "cannot stat \(base + child.name): \(error.reason) (upload.on_unreadable: fail; 'skip' leaves it out)"
            )
        }
    }

    /// Descends into a child directory unless it is too deep or already on the path (a link loop); with
    /// `splitting`, its own subdirectories may be walked in parallel (see `split`).
    private func enter<Element>(
        _ child: Child,
        in parent: ListedDirectory,
        status: FileStatus,
        base: String,
        relative: String,
        depth: Int,
        ancestors: inout Set<DirectoryID>,
        devices: Devices,
        into result: inout Accumulator<Element>,
        splitting: Bool = false
    ) {
        if let maximumDepth, depth >= maximumDepth { return }
        // Replaced since the listing (a symbolic link put in its place): gone, as the listed directory.
        guard status.kind == .directory else { return }
        let id = DirectoryID(device: status.device, inode: status.inode)
        let childDevices = devices.of(status, at: base + child.name)
        let entered = Entered(
            base: base,
            relative: relative,
            name: child.name,
            status: status,
            device: childDevices.stable,
            parent: parent
        )
        // A loop (`ln -s .. up`, which anyone may make in a tree they can write, or a bind mount of an
        // ancestor) is a directory that cannot be walked, as `upload.on_unreadable` says: under `skip` left
        // out with its line; it stopped every night's batch under `skip` too (review of ca63f16).
        guard !ancestors.contains(id) else {
            unlistable(entered, because: "symbolic link loop: it leads back to a directory above it", into: &result)
            return
        }
        // The bits say no before opendir would: the same skip, without a failed call — unless an ACL says yes.
        guard ProcessIdentity.current.mayList(status) || parent.directory.mayOpen(child.name, listing: true) else {
            unlistable(entered, into: &result)
            return
        }
        ancestors.insert(id)
        let childRelative = relative + child.name + "/"
        if splitting {
            result.absorb(
                split(
                    base + child.name,
                    relative: childRelative,
                    depth: depth + 1,
                    ancestors: ancestors,
                    entered: entered,
                    devices: childDevices,
                    makeTransform: result.makeTransform
                )
            )
        } else {
            walk(
                directory: base + child.name,
                relative: childRelative,
                depth: depth + 1,
                ancestors: &ancestors,
                entered: entered,
                devices: childDevices,
                into: &result
            )
        }
        ancestors.remove(id)
    }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
