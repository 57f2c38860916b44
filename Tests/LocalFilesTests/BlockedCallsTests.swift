import Foundation
import LocalFiles
import TestSupport
import Testing

/// Threads really blocked in file-system calls: an `open` of a FIFO without a writer, and a `read` of one
/// without data, each waiting until the test lets it go (as a call to a hung NFS mount waits for ever).
@Suite struct BlockedCallsTests {
    /// Waits (up to 10 s) until `found` holds for the blocked calls.
    private func eventually(_ found: ([BlockedCalls.Call]) -> Bool) async -> [BlockedCalls.Call] {
        var calls: [BlockedCalls.Call] = []
        for _ in 0..<500 {
            calls = BlockedCalls.current()
            if found(calls) { break }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return calls
    }

    @Test func anOpenAndAReadThatWaitAreNamedWithTheirFiles() async throws {
        let dir = try TemporaryDirectory("blocked-calls")
        defer { dir.remove() }
        let opening = dir.path + "/opening.fifo"
        let reading = dir.path + "/reading.fifo"
        #expect(mkfifo(opening, 0o600) == 0 && mkfifo(reading, 0o600) == 0)

        // Blocks in openat until a writer opens the FIFO.
        Thread.detachNewThread { close(open(opening, O_RDONLY | O_CLOEXEC)) }
        // Opened read-write (which does not wait), then blocks in read until a byte comes.
        let readEnd = open(reading, O_RDWR | O_CLOEXEC)
        #expect(readEnd >= 0)
        defer { close(readEnd) }
        Thread.detachNewThread {
            var byte: UInt8 = 0
            _ = read(readEnd, &byte, 1)
        }

        let calls = await eventually { calls in
            calls.map(\.path).contains(opening) && calls.map(\.path).contains(reading)
        }
        #expect(calls.contains { $0.path == opening && $0.name.hasPrefix("open") }, "\(calls)")
        #expect(calls.contains { $0.path == reading && $0.name == "read" }, "\(calls)")

        // Let both go: a writer for the first, a byte for the second.
        let writer = open(opening, O_WRONLY | O_CLOEXEC)
        close(writer)
        var byte: UInt8 = 1
        _ = write(readEnd, &byte, 1)
        let after = await eventually { calls in
            !calls.map(\.path).contains(opening) && !calls.map(\.path).contains(reading)
        }
        #expect(!after.map(\.path).contains(opening) && !after.map(\.path).contains(reading), "\(after)")
    }
}
