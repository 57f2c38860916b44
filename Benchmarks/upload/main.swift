// upload-bench: one file, multipart through OSSClient over CurlHTTP, N parts in flight.
// Usage: upload-bench --endpoint URL --bucket B --key K --file PATH [--part-mib 16] [--parallel 4]
//                     [--region cn-hangzhou] [--signature v4|v1]
// Credentials come from OSS_ACCESS_KEY_ID / OSS_ACCESS_KEY_SECRET (never argv); defaults suit an open local-oss.
// Prints one line: bytes, parts, wall seconds, MB/s, the client's CPU seconds, and whether the CRC-64 matched.
import CurlHTTP
import Digests
import Foundation
import OSSKit
import OSSProtocol

struct Arguments {
    var endpoint = "http://127.0.0.1:9000"
    var bucket = "bench"
    var key = "bench/upload.bin"
    var file = ""
    var partMiB = 16
    var parallel = 4
    var region = "cn-hangzhou"
    var signature = SignatureVersion.v4

    init(_ argv: [String]) {
        var it = argv.makeIterator()
        while let flag = it.next() {
            guard let value = it.next() else { fail("missing value for \(flag)") }
            switch flag {
            case "--endpoint": endpoint = value
            case "--bucket": bucket = value
            case "--key": key = value
            case "--file": file = value
            case "--part-mib": partMiB = Int(value) ?? 0
            case "--parallel": parallel = Int(value) ?? 0
            case "--region": region = value
            case "--signature": signature = SignatureVersion(rawValue: value) ?? .v4
            default: fail("unknown flag \(flag)")
            }
        }
        if file.isEmpty || partMiB < 1 || parallel < 1 { fail("need --file, --part-mib ≥ 1, --parallel ≥ 1") }
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("upload-bench: \(message)\n".utf8))
    exit(2)
}

/// User + system CPU seconds of this process so far.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

let args = Arguments(Array(CommandLine.arguments.dropFirst()))
let environment = ProcessInfo.processInfo.environment
let credentials = Credentials(
    accessKeyID: environment["OSS_ACCESS_KEY_ID"] ?? "bench",
    accessKeySecret: environment["OSS_ACCESS_KEY_SECRET"] ?? "bench"
)
let descriptor = open(args.file, O_RDONLY)
if descriptor < 0 { fail("cannot open \(args.file)") }
var status = stat()
fstat(descriptor, &status)
let size = Int64(status.st_size)
let partSize = Int64(args.partMiB) << 20
let partCount = Int((size + partSize - 1) / partSize)

let http = CurlHTTPClient()
let client = OSSClient(
    configuration: OSSClientConfiguration(
        endpoint: args.endpoint,
        region: args.region,
        signature: args.signature,
        addressing: .path
    ),
    credentials: credentials,
    transport: http
)

let clock = ContinuousClock()
let started = clock.now
let cpuStart = cpuSeconds()
do {
    let uploadID = try await client.initiateMultipartUpload(
        bucket: args.bucket,
        key: args.key,
        options: ObjectOptions()
    ).uploadID
    // A sliding window of `parallel` parts: a new part starts as soon as one finishes.
    let results = try await withThrowingTaskGroup(of: UploadPartResult.self) { group in
        var next = 0
        var done: [UploadPartResult] = []
        func addPart() {
            let number = next + 1
            let offset = Int64(next) * partSize
            let length = min(partSize, size - offset)
            next += 1
            group.addTask {
                try await client.uploadPart(
                    bucket: args.bucket,
                    key: args.key,
                    uploadID: uploadID,
                    partNumber: number,
                    body: .file(descriptor: descriptor, offset: offset, length: length)
                )
            }
        }
        while next < min(args.parallel, partCount) { addPart() }
        while let result = try await group.next() {
            done.append(result)
            if next < partCount { addPart() }
        }
        return done.sorted { $0.partNumber < $1.partNumber }
    }
    let completed = try await client.completeMultipartUpload(
        bucket: args.bucket,
        key: args.key,
        uploadID: uploadID,
        parts: results.map { CompletedPart(partNumber: $0.partNumber, etag: $0.etag) },
        callback: nil
    )
    let wall = (clock.now - started)
    let seconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) * 1e-18
    // The object's CRC from the parts' CRCs (each already checked against the bytes sent).
    let combined = results.reduce(UInt64(0)) { CRC64.combine($0, $1.crc64, lengthB: UInt64($1.size)) }
    let crcOK = completed.crc64.map { $0 == combined } ?? false
    let retries = results.reduce(0) { $0 + $1.attempts - 1 }
    print(
        String(
            format: "ossclient bytes=%lld parts=%d parallel=%d wall_s=%.3f MB_s=%.1f cpu_s=%.3f retries=%d",
            size,
            partCount,
            args.parallel,
            seconds,
            Double(size) / seconds / 1e6,
            cpuSeconds() - cpuStart,
            retries
        ) + " crc64_ok=\(crcOK ? "yes" : "no")"
    )
} catch {
    fail("\(error)")
}
http.shutdown()
close(descriptor)
