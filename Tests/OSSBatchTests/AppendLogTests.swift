import Foundation
import Glibc
import TestSupport
import Testing

@testable import OSSBatch

/// The journal's `AppendLog`: a line never glued onto a fragment, whether a crash or a failed write left it.
@Suite struct AppendLogTests {
    @Test func aLineAFullFileSystemCutShortIsTakenBackSoTheNextLineStandsWhole() async throws {
        let dir = try TemporaryDirectory("append-log")
        defer { dir.remove() }
        let path = dir.path + "/report.json.journal"
        // In a child process: a file size limit stands in for a full disk (the write stops part-way, then
        // EFBIG), and it must not cut the other tests' files.
        await #expect(processExitsWith: .success) { [path = path as String] in
            signal(SIGXFSZ, SIG_IGN)
            guard let log = try? AppendLog(path: path), (try? log.append(line: Array("first".utf8))) != nil else {
                exit(10)
            }
            var limit = rlimit(rlim_cur: 10, rlim_max: rlim_t.max)
            guard setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &limit) == 0 else { exit(11) }
            guard (try? log.append(line: Array("a line the limit cuts".utf8))) == nil else { exit(12) }
            limit.rlim_cur = rlim_t.max
            guard setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &limit) == 0 else { exit(13) }
            guard (try? log.append(line: Array("second".utf8))) != nil else { exit(14) }
            exit(0)
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "first\nsecond\n")
    }

    @Test func aFileEndingInsideALineGetsTheNextLineOnALineOfItsOwn() throws {
        let dir = try TemporaryDirectory("append-log")
        defer { dir.remove() }
        let path = dir.path + "/report.json.journal"
        try Data("{\"format\":\"x\"}\n{\"key\":\"a\",\"sta".utf8).write(to: URL(fileURLWithPath: path))
        let log = try AppendLog(path: path)
        try log.append(line: Array("{\"key\":\"b\"}".utf8))
        #expect(
            try String(contentsOfFile: path, encoding: .utf8)
                == "{\"format\":\"x\"}\n{\"key\":\"a\",\"sta\n{\"key\":\"b\"}\n"
        )
    }
}
