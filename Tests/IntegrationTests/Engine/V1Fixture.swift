import Digests
import Foundation
import LocalOSS
import OSSBatch
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A usable copy of Tests/Fixtures/v1-batch: the report, journal and checkpoints the format-1 release wrote
/// for a half-done batch, with LocalOSS's data directory and the data files (see its README).
///
/// Making the copy usable changes only what a copy must change: the `@ROOT@` paths, the inodes and device
/// of the copied data files (their mtimes are set to the recorded ones), the checkpoint names (a hash of
/// the source path, on disk and where the report and journal name them) and, with them, each checkpoint's SHA-256 of its stored `checkpoint` member.
struct V1Fixture {
    static let source = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/v1-batch")
    static let bucket = "fixture-bucket"

    let dir: TemporaryDirectory
    var root: String { dir.path }
    var reportPath: String { root + "/report.json" }
    var checkpointDir: String { root + "/state/checkpoints" }

    /// One data file as the fixture recorded it.
    struct Identity {
        var path: String
        var size: Int64
        var mtime: timespec
        var inode: UInt64
        var device: UInt64
    }

    static func make() throws -> V1Fixture {
        let dir = try TemporaryDirectory("v1fixture")
        let fm = FileManager.default
        for item in ["src", "state", "oss-data", "report.json", "report.json.journal", "identities.tsv"] {
            try fm.copyItem(
                at: source.appendingPathComponent(item),
                to: dir.url.appendingPathComponent(item)
            )
        }
        let fixture = V1Fixture(dir: dir)
        try fixture.instantiate()
        return fixture
    }

    /// The data files: relative path → recorded identity.
    func recorded() throws -> [Identity] {
        let text = try String(contentsOfFile: root + "/identities.tsv", encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let f = line.split(separator: "\t").map(String.init)
            guard f.count == 5, let size = Int64(f[1]), let inode = UInt64(f[3]), let device = UInt64(f[4]) else {
                throw FixtureError("bad identities.tsv line: \(line)")
            }
            let mtime = f[2].split(separator: ".")
            guard mtime.count == 2, let s = Int(mtime[0]), let ns = Int(mtime[1]) else {
                throw FixtureError("bad mtime in \(line)")
            }
            return Identity(
                path: String(f[0].dropFirst(2)),  // "./a.txt"
                size: size,
                mtime: timespec(tv_sec: s, tv_nsec: ns),
                inode: inode,
                device: device
            )
        }
    }

    private func instantiate() throws {
        // Data files: the recorded mtime; then the copy's own inode and device replace the recorded ones.
        var replacements: [(String, String)] = [("@ROOT@", root)]
        for file in try recorded() {
            let path = root + "/src/" + file.path
            var times = [file.mtime, file.mtime]
            guard utimensat(AT_FDCWD, path, &times, 0) == 0 else { throw FixtureError("utimensat \(path)") }
            var st = stat()
            guard stat(path, &st) == 0, st.st_size == file.size else { throw FixtureError("stat \(path)") }
            replacements.append(("\"inode\":\(file.inode)", "\"inode\":\(st.st_ino)"))
            replacements.append(("\"device\":\(file.device)", "\"device\":\(st.st_dev)"))
        }
        let checkpoints = try FileManager.default.contentsOfDirectory(atPath: checkpointDir)
        let store = CheckpointStore(directory: checkpointDir)
        var renamed: [(String, String)] = []
        for name in checkpoints {
            let old = checkpointDir + "/" + name
            var text = try Self.replacing(replacements, in: String(contentsOfFile: old, encoding: .utf8))
            let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
            guard let body = object?["checkpoint"] as? [String: Any], let key = body["key"] as? String,
                let source = body["source"] as? String
            else { throw FixtureError("unexpected checkpoint \(name)") }
            text = try Self.resealed(text)
            let new = store.path(bucket: Self.bucket, key: key, source: source)
            try FileManager.default.removeItem(atPath: old)
            try Data(text.utf8).write(to: URL(fileURLWithPath: new))
            // The report and journal name it as the fixture has it, under `@ROOT@` (matched before `@ROOT@`
            // alone is replaced).
            renamed.append(("@ROOT@/state/checkpoints/" + name, new))
        }
        for file in [reportPath, reportPath + ".journal"] {
            let text = try Self.replacing(
                renamed + replacements,
                in: String(contentsOfFile: file, encoding: .utf8)
            )
            try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        }
    }

    /// Replaces every `(from, to)`, all at once: no replacement's output is matched by another.
    static func replacing(_ pairs: [(String, String)], in text: String) throws -> String {
        var text = text
        // A number must be followed by `,` or `}` to be the whole value.
        var tokens: [(String, String)] = []
        for (n, (from, to)) in pairs.enumerated() {
            let token = "@@\(n)@@"
            for end in from.hasPrefix("\"") ? [",", "}"] : [""] {
                text = text.replacingOccurrences(of: from + end, with: token + end)
            }
            tokens.append((token, to))
        }
        for (token, to) in tokens { text = text.replacingOccurrences(of: token, with: to) }
        return text
    }

    /// The checkpoint with its `sha256` recomputed over the stored `checkpoint` member, as the release that
    /// wrote it computed it.
    static func resealed(_ text: String) throws -> String {
        let opening = "{\"checkpoint\":"
        guard text.hasPrefix(opening), let seal = text.range(of: ",\"sha256\":\"", options: .backwards) else {
            throw FixtureError("checkpoint layout not understood")
        }
        let body = text[text.index(text.startIndex, offsetBy: opening.count)..<seal.lowerBound]
        let hash = SHA256.hash(Array(body.utf8)).hexString
        return String(text[..<seal.upperBound]) + hash + "\"}"
    }

    /// A LocalOSS serving the fixture's data directory.
    func startServer(accessKeyID: String, secret: String) async throws -> LocalOSSServer {
        let server = try LocalOSSServer(
            configuration: LocalOSSConfiguration(
                dataDirectory: dir.url.appendingPathComponent("oss-data"),
                buckets: [Self.bucket],
                accessKeys: [accessKeyID: secret],
                region: "local"
            )
        )
        _ = try await server.start()
        return server
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
