import ArgumentParser
import Foundation
import LocalOSS

#if canImport(Glibc)
import Glibc
#endif

/// `local-oss`: runs LocalOSS as a process until SIGTERM/SIGINT.
@main
struct LocalOSSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "local-oss",
        abstract: "An OSS-protocol server on 127.0.0.1 for tests, benchmarks and the quick start.",
        discussion: """
            Prints `listening 127.0.0.1:PORT` as its first line, then serves until SIGTERM or SIGINT.
            Access keys come from --access-key ID:SECRET, --access-key-file FILE (lines ID:SECRET) or
            LOCALOSS_ACCESS_KEYS=ID:SECRET,...; with none, anonymous requests are accepted.
            """,
        // From VERSION and git, compiled in by the VersionStamp plugin (as for ossbatch).
        version: "local-oss \(BuildVersion.number) (commit \(BuildVersion.commit))"
    )

    @Option(help: "TCP port on 127.0.0.1 (0 picks a free one).")
    var port = 0

    @Option(help: "Directory for objects, parts and metadata.")
    var data: String

    @Option(name: .customLong("bucket"), help: "A bucket to serve (repeatable); others are NoSuchBucket.")
    var buckets: [String] = []

    @Option(
        name: .customLong("access-key"),
        help: "ID:SECRET (repeatable). Prefer --access-key-file: argv is visible to other users."
    )
    var accessKeys: [String] = []

    @Option(help: "File of ID:SECRET lines.")
    var accessKeyFile: String?

    @Option(help: "Region expected in V4 signatures.")
    var region = "cn-hangzhou"

    @Option(
        help:
            "Refuse requests signed more than this many seconds off the server's clock (OSS: 900). Default: not checked."
    )
    var maxClockSkew: Double?

    @Option(help: "Seconds added to the server's clock (to test clients' clock-skew correction).")
    var clockOffset: Double = 0

    @Option(help: "At most this many entries per page of ListObjects, ListMultipartUploads and ListParts (OSS: 1000).")
    var listPageLimit = 1000

    @Flag(help: "Hash and drop bodies, keep only sizes, hashes and metadata (benchmarks).")
    var discard = false

    @Flag(
        name: .customLong("no-crc64"),
        help: "Act as a store without CRC-64: no x-oss-hash-crc64ecma, 501 for ListParts and ListMultipartUploads."
    )
    var noCRC64 = false

    func validate() throws {
        // Bounded so that the server's clock arithmetic and date formatting stay finite.
        if let maxClockSkew, !(0...86_400 * 365).contains(maxClockSkew) {
            throw ValidationError("--max-clock-skew must be between 0 and 31536000 seconds (a year)")
        }
        guard (1...1000).contains(listPageLimit) else { throw ValidationError("--list-page-limit must be 1 to 1000") }
        guard (-86_400 * 3650...86_400 * 3650).contains(clockOffset) else {
            throw ValidationError("--clock-offset must be between -315360000 and 315360000 seconds (ten years)")
        }
    }

    func run() async throws {
        var keys: [String: String] = [:]
        var specs = accessKeys
        if let file = accessKeyFile {
            specs += try String(contentsOfFile: file, encoding: .utf8).split(whereSeparator: \.isNewline).map(
                String.init
            )
        }
        if let env = ProcessInfo.processInfo.environment["LOCALOSS_ACCESS_KEYS"] {
            specs += env.split(separator: ",").map(String.init)
        }
        for spec in specs {
            let trimmed = spec.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let colon = trimmed.firstIndex(of: ":") else {
                // Name only the id part: the spec may hold a secret.
                throw ValidationError("access key must be ID:SECRET (got an entry without ':')")
            }
            keys[String(trimmed[..<colon])] = String(trimmed[trimmed.index(after: colon)...])
        }
        guard !buckets.isEmpty else { throw ValidationError("at least one --bucket is required") }

        var configuration = LocalOSSConfiguration(
            dataDirectory: URL(fileURLWithPath: data),
            buckets: Set(buckets),
            accessKeys: keys,
            region: region,
            discardBodies: discard,
            port: port
        )
        configuration.maxClockSkew = maxClockSkew
        configuration.clockOffset = clockOffset
        configuration.withoutCRC64 = noCRC64
        configuration.listPageLimit = listPageLimit
        let server = try LocalOSSServer(configuration: configuration)
        let bound = try await server.start()
        // Written straight to fd 1 so the line is out before serving, whatever stdout buffering is in force.
        FileHandle.standardOutput.write(Data("listening 127.0.0.1:\(bound)\n".utf8))

        await SignalWaiter.waitForTermination()
        await server.stop()
    }
}
