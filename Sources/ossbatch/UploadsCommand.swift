import ArgumentParser
import CurlHTTP
import Foundation
import OSSBatch
import OSSKit

/// `ossbatch uploads MANIFEST | --endpoint E --bucket B`: list (and abort) the open multipart uploads under a
/// prefix — the stray ones no report knows any more.
struct UploadsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uploads",
        abstract: "List the open multipart uploads under a prefix, and abort the stray ones with --abort.",
        discussion: """
            OSS keeps (and bills) the parts of a multipart upload until it is completed or aborted. With a \
            manifest, its target, credentials and the key prefix its entries share are used; without one, give \
            --endpoint and --bucket. Every page of ListMultipartUploads is read.

            --abort never aborts an upload a local batch holds: one named by a checkpoint of a batch that is \
            running or unfinished (finish that with 'ossbatch resume REPORT' or give it up with 'ossbatch abort \
            REPORT', which also updates its report), or one whose key another process is uploading now — \
            batches of this state directory, so of this user on this machine. Each one left is listed with the \
            reason. Uploads made by other users, machines or tools are not known here: use --older-than to \
            leave recent ones alone. Without it, --abort is refused where the state directory is empty \
            (run as another user than the batches', or on another machine): --older-than 0 means every upload.

            With --quiet, nothing is printed unless an abort failed (for cron).

            Exit codes: 0 listed (and every upload not held was aborted), 1 an abort failed, 2 invalid \
            manifest or usage, 3 no credentials or the listing failed.
            """
    )

    @Argument(
        help: "The manifest whose bucket and key prefix to look at (optional with --endpoint and --bucket).",
        completion: .file(extensions: ["yaml", "yml"])
    )
    var manifest: String?

    @OptionGroup var target: TargetOptions

    @Option(
        help: ArgumentHelp(
            "Only uploads whose key starts with this. Default: the prefix the manifest's entries share; without "
                + "a manifest, the whole bucket (give --prefix '' to --abort over a whole bucket).",
            valueName: "prefix"
        )
    )
    var prefix: String?

    @Option(
        help: ArgumentHelp(
            "Only uploads initiated at least this long ago: 90m, 24h, 7d (a plain number is seconds).",
            valueName: "age"
        )
    )
    var olderThan: String?

    @Flag(help: "Count each upload's parts and bytes (ListParts, every page).")
    var parts = false

    @Flag(help: "Abort the uploads listed that no local batch holds.")
    var abort = false

    @Flag(help: "Print one JSON document (snake_case keys) on stdout instead of the table.")
    var json = false

    @OptionGroup var execution: ExecutionOptions

    mutating func validate() throws {
        if let olderThan, Self.seconds(olderThan) == nil {
            throw ValidationError("--older-than '\(olderThan)' is not an age; expected e.g. 90m, 24h or 7d")
        }
    }

    /// `olderThan` in seconds: `DurationText` (`90s`, `30m`, `24h`) or days (`7d`).
    static func seconds(_ text: String) -> TimeInterval? {
        let value =
            text.hasSuffix("d") ? Double(text.dropLast()).map { $0 * 86400 } : DurationText.parse(text)
        guard let value, value.isFinite, value >= 0, value <= 100 * 365 * 86400 else { return nil }
        return value
    }

    func run() async throws {
        let console = execution.makeConsole()
        let state = StateDirectory.resolve()
        let scope: UploadsScope
        do {
            if let manifest {
                scope = try UploadsScope.manifest(
                    at: manifest,
                    overrides: target.overrides,
                    settings: try ManifestSetting.parse(target.settings),
                    placeholders: try PlaceholderValues.current(),
                    state: state
                )
            } else {
                scope = try UploadsScope.commandLine(target.overrides)
            }
        } catch {
            throw console.report(error)
        }
        let prefix = self.prefix ?? scope.prefix
        if abort && prefix.isEmpty && self.prefix == nil {
            console.error(
                "usage_error",
                "--abort over the whole bucket \(scope.target.bucket): give --prefix PREFIX, or --prefix '' "
                    + "to mean every upload of the bucket"
            )
            throw ExitCode(ExitStatus.invalidInput.rawValue)
        }
        let transport = CurlHTTPClient()
        defer { transport.shutdown() }
        let client: OSSClient
        do throws(CredentialsError) {
            let resolver = CredentialsResolver(
                commandLineFile: execution.credentialsFile,
                profile: execution.profile,
                manifestSource: scope.credentials
            )
            client = OSSClient(
                configuration: scope.clientConfiguration(),
                credentialsProvider: try await resolver.provider(transport: transport),
                transport: transport
            )
        } catch {
            console.error("no_credentials", error.message, ["code": .string("NoCredentials")])
            throw ExitCode(ExitStatus.fatal.rawValue)
        }
        // The batches' holds are found in the state directory: unread, every upload would look like a stray.
        if abort, let problem = state.unlistable() {
            console.error(
                "state_directory_unreadable",
                problem + "; nothing was aborted (the batches' uploads are not known)"
            )
            throw ExitCode(ExitStatus.invalidInput.rawValue)
        }
        // Nothing here says which uploads are running batches': run as the wrong user (its own, empty state
        // directory made silently) or on another machine, every upload of another user's running night looked
        // like a stray and was aborted under it, its files failing NoSuchUpload (review of c56b4e6).
        if abort && olderThan == nil && state.isEmptyOrMissing() {
            console.error(
                "usage_error",
                "--abort: the state directory \(state.path) holds nothing, so nothing says which uploads are "
                    + "running batches' (another user's, or another machine's, are not known here); run as the "
                    + "batches' user, or give --older-than AGE to leave recent uploads alone (--older-than 0: all)"
            )
            throw ExitCode(ExitStatus.invalidInput.rawValue)
        }
        let olderThanSeconds = olderThan.flatMap(Self.seconds)
        let sweep = OpenUploadsSweep(
            client: client,
            bucket: scope.target.bucket,
            prefix: prefix,
            olderThan: olderThanSeconds,
            state: state,
            extraCheckpointDirectories: scope.checkpointDirectory.map { [$0] } ?? []
        )
        var result: OpenUploadsSweep.Result
        do {
            result = try await sweep.list(parts: parts)
            if abort { result = try await sweep.abort(result) }
        } catch {
            console.error(
                "uploads_listing_failed",
                "cannot \(abort ? "clean up" : "list") the open uploads of bucket \(scope.target.bucket): \(error)"
            )
            throw ExitCode(ExitStatus.fatal.rawValue)
        }
        let exit: ExitStatus = result.count(.failed) > 0 ? .jobsFailed : .success
        let where_ = "bucket \(scope.target.bucket)" + (prefix.isEmpty ? "" : " under '\(prefix)'")
        if json {
            let document = UploadsDocument(
                endpoint: scope.target.endpoint,
                bucket: scope.target.bucket,
                prefix: prefix,
                olderThanSeconds: olderThanSeconds,
                abort: abort,
                result: result,
                exitCode: exit.rawValue
            )
            Console.write(Data(try StreamingJSONEncoder().encode(document) + [UInt8(ascii: "\n")]))
        } else if !execution.quiet || exit != .success {
            Console.print(UploadsTable(result, parts: parts, abort: abort).text)
            var summary = "\(result.uploads.count) open upload\(result.uploads.count == 1 ? "" : "s") in \(where_)"
            if result.newer > 0, let olderThan { summary += " (\(result.newer) newer than \(olderThan) not listed)" }
            if abort {
                summary += "; aborted \(result.count(.aborted)), \(result.count(.alreadyGone)) already gone, "
                summary += "left \(result.count(.left)) that local batches hold, \(result.count(.failed)) failed"
            }
            Console.print(summary + "\n")
        }
        throw ExitCode(exit.rawValue)
    }
}

/// `ossbatch uploads --json`.
struct UploadsDocument: Encodable {
    var endpoint: String
    var bucket: String
    var prefix: String
    var olderThanSeconds: Double?
    var abort: Bool
    var result: OpenUploadsSweep.Result
    var exitCode: Int32

    private enum CodingKeys: String, CodingKey {
        case endpoint, bucket, prefix
        case olderThanSeconds = "older_than_seconds"
        case abort, uploads, newer, aborted
        case alreadyGone = "already_gone"
        case left, failed
        case exitCode = "exit_code"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(endpoint, forKey: .endpoint)
        try container.encode(bucket, forKey: .bucket)
        try container.encode(prefix, forKey: .prefix)
        try container.encodeIfPresent(olderThanSeconds, forKey: .olderThanSeconds)
        try container.encode(abort, forKey: .abort)
        try container.encode(result.uploads, forKey: .uploads)
        try container.encode(result.newer, forKey: .newer)
        if abort {
            try container.encode(result.count(.aborted), forKey: .aborted)
            try container.encode(result.count(.alreadyGone), forKey: .alreadyGone)
            try container.encode(result.count(.left), forKey: .left)
            try container.encode(result.count(.failed), forKey: .failed)
        }
        try container.encode(exitCode, forKey: .exitCode)
    }
}

extension UploadsCommand: CommandWithExamples {
    static let examples = [
        (
            what: "The open multipart uploads under the manifest's key prefix, with their parts and bytes:",
            command: "ossbatch uploads /etc/ossbatch/nightly-backup.yaml --parts"
        ),
        (
            what: "Abort those older than a day that no local batch holds (what a crashed night left):",
            command: "ossbatch uploads /etc/ossbatch/nightly-backup.yaml --older-than 24h --abort"
        ),
        (
            what: "Without a manifest (credentials from OSS_ACCESS_KEY_ID / OSS_ACCESS_KEY_SECRET):",
            command:
                "ossbatch uploads --endpoint https://oss-cn-hangzhou.aliyuncs.com --bucket my-backups --prefix web01/"
        ),
    ]
}
