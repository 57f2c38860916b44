// curl-bench: the CurlHTTP transport's own cost, measured against a discard sink (Benchmarks/curl/sink.py).
//
//   curl-bench file URL FILE [PART_MiB=8] [CONCURRENCY=4]   PUT the file as PART-sized file-range bodies
//   curl-bench tiny URL [COUNT=5000] [BYTES=4096] [CONCURRENCY=16]   COUNT small PUTs from memory
//
// Prints wall time, throughput and this process's CPU (user+sys) per GiB or per request.
import CurlHTTP
import Foundation

#if canImport(Glibc)
import Glibc
import OSSProtocol
#endif

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("curl-bench: \(message)\n".utf8))
    exit(2)
}

/// Runs `count` jobs with at most `width` in flight.
func run(count: Int, width: Int, _ job: @escaping @Sendable (Int) async throws -> Int) async throws {
    try await withThrowingTaskGroup(of: Int.self) { group in
        var next = 0
        for _ in 0..<min(width, count) {
            let i = next
            next += 1
            group.addTask { try await job(i) }
        }
        while let status = try await group.next() {
            if status != 200 { fail("HTTP \(status)") }
            if next < count {
                let i = next
                next += 1
                group.addTask { try await job(i) }
            }
        }
    }
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count >= 2 else {
    fail("usage: curl-bench file URL FILE [PART_MiB] [CONCURRENCY] | tiny URL [COUNT] [BYTES] [CONCURRENCY]")
}
let client = CurlHTTPClient()
let clock = ContinuousClock()
let url = arguments[1]

switch arguments[0] {
case "file":
    guard arguments.count >= 3 else { fail("file mode needs URL and FILE") }
    let path = arguments[2]
    let partSize = Int64(arguments.count > 3 ? Int(arguments[3]) ?? 8 : 8) << 20
    let width = arguments.count > 4 ? Int(arguments[4]) ?? 4 : 4
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { fail("cannot open \(path)") }
    var info = stat()
    fstat(descriptor, &info)
    let size = Int64(info.st_size)
    let parts = Int((size + partSize - 1) / partSize)
    let cpu0 = cpuSeconds()
    let start = clock.now
    try await run(count: parts, width: width) { index in
        let offset = Int64(index) * partSize
        let body = HTTPRequestBody.file(descriptor: descriptor, offset: offset, length: min(partSize, size - offset))
        return try await client.send(
            HTTPRequest(method: "PUT", url: "\(url)/bench?partNumber=\(index + 1)", body: body)
        ).status
    }
    let wall = (clock.now - start) / .seconds(1)
    let cpu = cpuSeconds() - cpu0
    let gib = Double(size) / Double(1 << 30)
    print(
        String(
            format:
                "file: %.2f GiB in %d parts of %d MiB, %d in flight: %.2f s wall, %.2f GB/s, CPU %.2f s = %.2f CPU s/GiB, sent %lld bytes",
            gib,
            parts,
            Int(partSize >> 20),
            width,
            wall,
            Double(size) / wall / 1e9,
            cpu,
            cpu / gib,
            client.bodyBytesSent
        )
    )
case "tiny":
    let count = arguments.count > 2 ? Int(arguments[2]) ?? 5000 : 5000
    let bytes = arguments.count > 3 ? Int(arguments[3]) ?? 4096 : 4096
    let width = arguments.count > 4 ? Int(arguments[4]) ?? 16 : 16
    let body = [UInt8](repeating: 0x61, count: bytes)
    let cpu0 = cpuSeconds()
    let start = clock.now
    try await run(count: count, width: width) { index in
        try await client.send(HTTPRequest(method: "PUT", url: "\(url)/tiny/\(index)", body: .bytes(body))).status
    }
    let wall = (clock.now - start) / .seconds(1)
    let cpu = cpuSeconds() - cpu0
    print(
        String(
            format:
                "tiny: %d PUTs of %d B, %d in flight: %.2f s wall, %.0f requests/s, CPU %.2f s = %.0f CPU µs/request",
            count,
            bytes,
            width,
            wall,
            Double(count) / wall,
            cpu,
            cpu / Double(count) * 1e6
        )
    )
default:
    fail("unknown mode \(arguments[0])")
}
client.shutdown()
