import Foundation
import LocalFiles
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct StandardStreamWriterTests {
    @Test func aFailedWriteIsKeptAndWhatFollowsIsDropped() throws {
        let fd = open("/dev/full", O_WRONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        let writer = StandardStreamWriter(fd)
        #expect(writer.failure == nil)
        #expect(!writer.write("a log line\n".utf8))
        #expect(writer.failure == ENOSPC)
        #expect(writer.failureReason == "No space left on device")
        #expect(!writer.write("another\n".utf8))
        #expect(writer.failure == ENOSPC)
    }

    @Test func aPipeLeftNonBlockingIsWaitedForNotAFailedWrite() async throws {
        var ends: [Int32] = [-1, -1]
        try #require(pipe(&ends) == 0)
        defer { close(ends[0]) }
        // As a parent may hand it over: a full pipe then answers EAGAIN instead of blocking.
        _ = fcntl(ends[1], F_SETFL, fcntl(ends[1], F_GETFL) | O_NONBLOCK)
        let bytes = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }  // 16 times a pipe's buffer
        let readEnd = ends[0]
        let received = Task.detached { () -> [UInt8] in
            var all: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                usleep(200)  // slower than the writer: the pipe fills
                let n = read(readEnd, &buffer, buffer.count)
                if n <= 0 { return all }
                all += buffer[0..<n]
            }
        }
        let writer = StandardStreamWriter(ends[1])
        #expect(writer.write(bytes))
        #expect(writer.failure == nil)
        close(ends[1])
        #expect(await received.value == bytes)
    }

    @Test func aPipeWithoutAReaderIsEPIPENotSIGPIPE() throws {
        StandardStreams.prepare()  // ignores SIGPIPE; 0, 1 and 2 are open in the test runner and stay as they are
        var ends: [Int32] = [-1, -1]
        try #require(pipe(&ends) == 0)
        close(ends[0])
        defer { close(ends[1]) }
        let writer = StandardStreamWriter(ends[1])
        #expect(!writer.write("summary\n".utf8))
        #expect(writer.failure == EPIPE)
        #expect(fcntl(STDOUT_FILENO, F_GETFD) != -1 && fcntl(STDERR_FILENO, F_GETFD) != -1)
    }
}
