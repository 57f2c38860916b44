import LocalFiles

/// A regular file found under a walked directory.
struct FoundFile {
    /// Path relative to the walk's root, `/`-separated.
    var relative: String
    var absolute: String
    var status: FileStatus
}

/// Walks a directory tree: regular files only, symbolic links skipped unless followed, loops detected
/// by the (device, inode) of every directory on the current path. Problems are collected, not thrown.
struct FileWalker {
    var followSymlinks: Bool
    /// Deepest level at which files are reported (1 = the root's own files), `nil` for unbounded.
    var maximumDepth: Int?

    private struct DirectoryID: Hashable { var device: UInt64; var inode: UInt64 }

    /// Calls `visit` for every regular file below `root`, in no particular order; returns the problems.
    func walk(root: String, rootStatus: FileStatus, visit: (FoundFile) -> Void) -> [String] {
        var problems: [String] = []
        var ancestors: Set<DirectoryID> = [DirectoryID(device: rootStatus.device, inode: rootStatus.inode)]
        walk(directory: root, relative: "", depth: 1, ancestors: &ancestors, problems: &problems, visit: visit)
        return problems
    }

    private func walk(directory path: String, relative: String, depth: Int, ancestors: inout Set<DirectoryID>,
                      problems: inout [String], visit: (FoundFile) -> Void) {
        let directory: Directory
        let entries: [DirectoryEntry]
        do {
            directory = try Directory(path: path)
            entries = try directory.entries()
        } catch {
            problems.append("cannot list directory \(error.path): \(error.reason)")
            return
        }
        let base = path.hasSuffix("/") ? path : path + "/"
        for entry in entries {
            guard let name = entry.utf8Name else {
                problems.append("file name is not valid UTF-8: \(PathEscaping.escape(Array(base.utf8) + entry.name)) (OSS keys must be UTF-8; rename the file or exclude it)")
                continue
            }
            var kind = entry.kind
            do throws(FileSystemError) {
                if kind == .unknown { kind = try directory.status(of: entry.name, followSymlinks: false).kind }
                var status: FileStatus?
                if kind == .symlink {
                    guard followSymlinks else { continue }
                    do {
                        let target = try directory.status(of: entry.name, followSymlinks: true)
                        kind = target.kind
                        status = target
                    } catch {
                        problems.append("broken symbolic link \(base + name): \(error.reason)")
                        continue
                    }
                }
                let childRelative = relative.isEmpty ? name : relative + "/" + name
                switch kind {
                case .directory:
                    if let maximumDepth, depth >= maximumDepth { continue }
                    var st: FileStatus
                    if let status { st = status } else { st = try directory.status(of: entry.name, followSymlinks: false) }
                    let id = DirectoryID(device: st.device, inode: st.inode)
                    guard !ancestors.contains(id) else {
                        problems.append("symbolic link loop: \(base + name) leads back to a directory above it")
                        continue
                    }
                    ancestors.insert(id)
                    walk(directory: base + name, relative: childRelative, depth: depth + 1, ancestors: &ancestors,
                         problems: &problems, visit: visit)
                    ancestors.remove(id)
                case .regular:
                    var st: FileStatus
                    if let status { st = status } else { st = try directory.status(of: entry.name, followSymlinks: false) }
                    guard directory.isReadable(entry.name) else {
                        problems.append("cannot read \(base + name): permission denied")
                        continue
                    }
                    visit(FoundFile(relative: childRelative, absolute: base + name, status: st))
                default:
                    continue  // FIFOs, sockets and devices are not files to upload.
                }
            } catch {
                problems.append("cannot stat \(error.path): \(error.reason)")
            }
        }
    }
}

/// Shows arbitrary path bytes safely: printable ASCII as is, everything else as `\xNN`.
enum PathEscaping {
    static func escape<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var result = ""
        for b in bytes {
            if b >= 0x20 && b < 0x7F && b != 0x5C {
                result.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                result += "\\x" + String(b, radix: 16, uppercase: false).leftPadded(to: 2)
            }
        }
        return result
    }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
