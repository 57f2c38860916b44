import OSSProtocol

/// One `--set PATH=VALUE`: a manifest value replaced for one run. It is applied to the YAML before the
/// manifest is decoded, so the value is checked exactly as if it were written in the file, and every
/// problem with it names the option instead of a line.
///
/// `PATH` names fields with `.` and list items with `[N]` (from 0): `upload.concurrency`,
/// `files[0].key_prefix`, `defaults.metadata.team`. `VALUE` is one string, taken as written (never
/// parsed as YAML): `--set upload.bandwidth=50MB/s`.
package struct ManifestSetting: Sendable, Hashable {
    enum Step: Sendable, Hashable {
        case field(String)
        case index(Int)
    }

    /// The paths documented for `--set` (docs/manifest.md) and offered by shell completion. Any field that
    /// holds one value can be set; these are the ones a run is likely to change.
    package static let documentedPaths = [
        "name", "timezone", "allow_empty",
        "target.endpoint", "target.bucket", "target.region", "target.signature", "target.addressing",
        "target.credentials.file", "target.credentials.profile",
        "upload.concurrency", "upload.files_in_flight", "upload.part_size", "upload.multipart_threshold",
        "upload.verify", "upload.checkpoint_dir", "upload.if_exists", "upload.unchanged", "upload.bandwidth",
        "upload.shard_split", "upload.stall_timeout",
        "upload.retries.attempts", "upload.retries.base_delay", "upload.retries.max_delay",
        "defaults.content_type", "defaults.acl", "defaults.storage_class", "defaults.cache_control",
        "defaults.forbid_overwrite", "defaults.follow_symlinks",
        "files[0].source", "files[0].glob", "files[0].key", "files[0].key_prefix", "files[0].storage_class",
    ]

    let path: [Step]
    package let value: String
    /// As given, for messages: `--set files[0].key_prefix=web/`.
    package let option: String

    /// Reads the argument of one `--set`; a malformed one is a command-line diagnostic.
    package init(parsing argument: String) throws(ManifestError) {
        // A path that looks like a secret's is refused later; its value is never repeated in a message.
        var shown = argument
        if let separator = argument.firstIndex(of: "="), SecretFieldPolicy.looksSecret(String(argument[..<separator])) {
            shown = argument[...separator] + "…"
        } else if let separator = argument.firstIndex(of: "="), argument[separator...].contains("://") {
            // A URL's password (`https://AK:SECRET@host`) is not repeated either: every message about this
            // value begins with the option, and the value's own message hid it (review of e4ab55a).
            shown =
                argument[...separator]
                + SecretRedaction.hidingUserInfo(String(argument[argument.index(after: separator)...]))
        }
        option = "--set \(shown)"
        let invalid = { (why: String) in ManifestError([Diagnostic(flag: "set", "--set '\(shown)': \(why)")]) }
        guard let equals = argument.firstIndex(of: "=") else {
            throw invalid("expected PATH=VALUE, such as upload.concurrency=4 or files[0].key_prefix=web/")
        }
        value = String(argument[argument.index(after: equals)...])
        let pathText = argument[..<equals]
        guard !pathText.isEmpty else { throw invalid("the path before '=' is empty") }
        var steps: [Step] = []
        for segment in pathText.split(separator: ".", omittingEmptySubsequences: false) {
            guard let parsed = Self.steps(of: segment) else {
                throw invalid(
                    "'\(segment)' is not a field name or NAME[N] (paths are like upload.concurrency or "
                        + "files[0].key_prefix)"
                )
            }
            steps += parsed
        }
        path = steps
    }

    /// Every `--set` argument read, or every problem with them at once.
    package static func parse(_ arguments: [String]) throws(ManifestError) -> [ManifestSetting] {
        var settings: [ManifestSetting] = []
        var problems: [Diagnostic] = []
        for argument in arguments {
            do {
                settings.append(try ManifestSetting(parsing: argument))
            } catch {
                problems += error.diagnostics
            }
        }
        guard problems.isEmpty else { throw ManifestError(problems) }
        return settings
    }

    /// `files[0]` → field `files`, index 0; `key_prefix` → field `key_prefix`; `nil` when malformed.
    private static func steps(of segment: Substring) -> [Step]? {
        let name = segment.prefix { $0 != "[" }
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
        else { return nil }
        var steps = [Step.field(String(name))]
        var rest = segment.dropFirst(name.count)
        while !rest.isEmpty {
            guard rest.first == "[", let close = rest.firstIndex(of: "]") else { return nil }
            let digits = rest[rest.index(after: rest.startIndex)..<close]
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(digits) else {
                return nil
            }
            steps.append(.index(n))
            rest = rest[rest.index(after: close)...]
        }
        return steps
    }
}
