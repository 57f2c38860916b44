import Foundation
import LocalFiles
import TestSupport
import Testing

@testable import OSSBatch

/// Checkpoint files (`ossbatch-checkpoint/2`): what is stored is what the checksum covers, damage is caught,
/// and the checkpoints of format 1 are read.
struct CheckpointStoreTests {
    static let checkpoint: Checkpoint = {
        var c = Checkpoint(
            bucket: "b",
            key: "dir/big.bin",
            source: "/data/dir/big.bin",
            identity: SourceIdentity(size: 250_000, mtimeNanoseconds: 1_796_246_305_485_355_137, inode: 7, device: 9),
            partPlan: PartPlan(partSize: 102_400, partCount: 3),
            uploadID: "UPLOAD"
        )
        c.record(Checkpoint.Part(number: 2, size: 102_400, etag: "\"E2\"", crc64: 18_446_744_073_709_551_615))
        c.record(Checkpoint.Part(number: 1, size: 102_400, etag: "\"E1\"", crc64: 1))
        return c
    }()

    @Test func aCheckpointReadsBackAsSavedAndIsOneSnakeCaseDocument() throws {
        let dir = try TemporaryDirectory("checkpoint")
        defer { dir.remove() }
        let store = CheckpointStore(directory: dir.path)
        let path = store.path(bucket: "b", key: "dir/big.bin", source: "/data/dir/big.bin")
        try store.save(Self.checkpoint, to: path)
        #expect(store.load(path) == .success(Self.checkpoint))
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix(#"{"checkpoint":{"format":"ossbatch-checkpoint/2","bucket":"b","#))
        #expect(text.contains(#""mtime_ns":"1796246305485355137","inode":"7","device":9,"part_size":102400"#))
        #expect(text.contains(#"{"number":2,"size":102400,"etag":"\"E2\"","crc64":"18446744073709551615"}"#))
        #expect(text.hasSuffix("\"}\n"))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    /// A checkpoint the system would not let be read now (no descriptor left, an I/O error, its mode changed) is
    /// kept (`unreadable`), not discarded as damaged with its upload left open and named by nothing (audit of
    /// 49872c5); a link, a directory or an oversized file at its path is not a checkpoint (`corrupt`).
    @Test func aCheckpointTheSystemWouldNotLetBeReadIsKeptNotTakenForDamage() throws {
        for code in [EMFILE, ENFILE, EIO, ENOMEM, EACCES] {
            let problem = CheckpointStore.problem(
                readingFailed: FileSystemError(operation: "open", path: "/c", errno: code)
            )
            guard case .unreadable = problem else {
                Issue.record("errno \(code): \(problem)")
                continue
            }
        }
        let link = CheckpointStore.problem(readingFailed: FileSystemError(operation: "open", path: "/c", errno: ELOOP))
        let directory = CheckpointStore.problem(
            readingFailed: FileSystemError(operation: "open", path: "/c", errno: EISDIR, detail: "is a directory")
        )
        for problem in [link, directory] {
            guard case .corrupt = problem else {
                Issue.record("\(problem)")
                continue
            }
        }
        // The real file: a directory where the checkpoint belongs is judged so by `load`.
        let dir = try TemporaryDirectory("checkpoint-unreadable")
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.path + "/c.json", withIntermediateDirectories: true)
        guard case .failure(.corrupt)? = CheckpointStore(directory: dir.path).load(dir.path + "/c.json") else {
            Issue.record("a directory is not a checkpoint")
            return
        }
    }

    @Test func theChecksumCoversTheStoredBytesNotAReEncoding() throws {
        // Stored bytes an encoder would never write (spaces) are fine when the checksum is
        // theirs: a change in how values are encoded can never make a checkpoint look corrupt.
        let dir = try TemporaryDirectory("checkpoint")
        defer { dir.remove() }
        let store = CheckpointStore(directory: dir.path)
        let path = dir.path + "/x.json"
        try store.save(Self.checkpoint, to: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let body = String(
            text.dropFirst(#"{"checkpoint":"#.count).prefix { $0 != "\n" }.dropLast(#","sha256":""#.count + 66)
        )
        try Self.seal(" " + body.replacingOccurrences(of: #",""#, with: #", ""#), with: store, at: path)
        #expect(store.load(path) == .success(Self.checkpoint))
        // One byte changed: corrupt, with the upload id still there to abort the upload.
        try String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
            .replacingOccurrences(of: "\"completing\":false", with: "\"completing\":true ")
            .write(toFile: path, atomically: true, encoding: .utf8)
        #expect(store.load(path) == .failure(.corrupt("checksum mismatch")))
        #expect(store.uploadIDForCleanup(path) == "UPLOAD")
        // Truncated: not a checkpoint at all.
        try Data(text.utf8.prefix(40)).write(to: URL(fileURLWithPath: path))
        #expect(store.load(path) == .failure(.corrupt("not a checkpoint file as ossbatch writes it")))
        #expect(store.load(dir.path + "/none.json") == nil)
    }

    /// Writes `body` with the checksum of its bytes, as `save` lays a file out.
    static func seal(_ body: String, with store: CheckpointStore, at path: String) throws {
        let file = #"{"checkpoint":"# + body + #","sha256":""# + CheckpointStore.checksum(Array(body.utf8)) + "\"}"
        try file.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func aFormat1CheckpointIsRead() throws {
        // The format-1 release's file for Tests/Fixtures/v1-batch's big-1.bin, its source path filled in.
        let v1 =
            #"{"checkpoint":{"bucket":"fixture-bucket","completing":false,"createdAt":"2026-12-02T21:18:26.628Z","format":"ossbatch-checkpoint/1","identity":{"device":65024,"inode":16236964,"mtimeNanoseconds":1796246305485355137,"size":350000},"key":"data/big-1.bin","partCount":4,"partSize":102400,"parts":[{"crc64":13595730077011677641,"etag":"\"F8815B1A29CDAA62A593F8C34DA60157\"","number":1,"size":102400},{"crc64":2870959374519261843,"etag":"\"B03AC38FC7BE6382DF52A06796584EC3\"","number":2,"size":102400},{"crc64":13037083859627750988,"etag":"\"8A6C676D228726D525983F0B78EFB778\"","number":3,"size":102400}],"source":"/fixture/src/big-1.bin","uploadID":"0F0B9AE4E03A434DABB590EA02047FE8"},"sha256":"dd6931ec310ad4836ed860d64ce535b65e66d9a659a06fb1f591d06e20b4ae62"}"#
        let dir = try TemporaryDirectory("checkpoint")
        defer { dir.remove() }
        let store = CheckpointStore(directory: dir.path)
        let path = dir.path + "/v1.json"
        try v1.write(toFile: path, atomically: true, encoding: .utf8)
        guard case .success(let c)? = store.load(path) else {
            Issue.record("a format-1 checkpoint must load: \(String(describing: store.load(path)))")
            return
        }
        #expect(c.key == "data/big-1.bin" && c.source == "/fixture/src/big-1.bin" && c.uploadID.count == 32)
        #expect(
            c.identity
                == SourceIdentity(
                    size: 350_000,
                    mtimeNanoseconds: 1_796_246_305_485_355_137,
                    inode: 16_236_964,
                    device: 65_024
                )
        )
        #expect(c.partPlan == PartPlan(partSize: 102_400, partCount: 4) && !c.completing)
        #expect(c.parts.map(\.number) == [1, 2, 3] && c.parts[0].crc64 == 13_595_730_077_011_677_641)
        // Saved again, it is format 2.
        try store.save(c, to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("ossbatch-checkpoint/2"))
        #expect(store.load(path) == .success(c))
    }

    @Test func partsThatDoNotFitThePartPlanAreRefused() throws {
        let dir = try TemporaryDirectory("checkpoint")
        defer { dir.remove() }
        let store = CheckpointStore(directory: dir.path)
        let path = dir.path + "/x.json"
        try store.save(Self.checkpoint, to: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let body = String(
            text.dropFirst(#"{"checkpoint":"#.count).prefix { $0 != "\n" }.dropLast(#","sha256":""#.count + 66)
        )
        for (from, to) in [
            (#""number":2"#, #""number":4"#), (#""number":2"#, #""number":1"#),
            (#""part_count":3"#, #""part_count":2"#),
        ] {
            try Self.seal(body.replacingOccurrences(of: from, with: to), with: store, at: path)
            guard case .failure(.corrupt)? = store.load(path) else {
                Issue.record("\(from) → \(to) must be refused")
                continue
            }
        }
    }
}
