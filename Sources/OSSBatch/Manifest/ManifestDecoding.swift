import Foundation
import OSSKit
import OSSProtocol
import Yams

/// The manifest schema: which fields each section has and how each value is read.
struct ManifestDecoding {
    let reader: NodeReader
    let path: String

    static let topFields = ["version", "name", "timezone", "allow_empty", "target", "upload", "defaults", "files"]
    static let targetFields = ["endpoint", "region", "bucket", "signature", "addressing", "credentials"]
    static let uploadFields = [
        "concurrency", "files_in_flight", "part_size", "multipart_threshold", "verify",
        "checkpoint_dir", "retries", "if_exists", "bandwidth", "on_unreadable", "unchanged",
        "shard_split", "stall_timeout",
    ]
    static let optionFields = [
        "content_type", "acl", "storage_class", "metadata", "tags", "cache_control",
        "content_disposition", "content_encoding", "forbid_overwrite", "follow_symlinks", "callback",
        "server_side_encryption", "sse_kms_key_id", "sse_data_encryption",
    ]
    static let entryFields =
        ["source", "glob", "key", "key_prefix", "include", "exclude", "optional"] + optionFields

    func manifest(_ root: Node) -> Manifest? {
        guard let fields = reader.fields(of: root, in: "the manifest", allowed: Self.topFields) else { return nil }
        var version = 1
        if let node = fields["version"]?.value, let v = reader.int(node, "version", range: 0...Int.max) {
            if v != 1 { reader.error(node, "unsupported manifest version \(v); this ossbatch reads version 1") }
            version = v
        }
        let name = fields["name"].flatMap { reader.markedString($0.value, "name") }
        if let name, let problem = BatchName.problem(with: name.value) { reader.error(name.mark, problem) }
        if name == nil, let shard = ShardedBatchStatus.parse(BatchName.derived(fromManifestPath: path)) {
            // The name comes from the file: the same rule as for `name:`, said at the document's start.
            reader.error(
                root,
                "the file name makes the batch name '\(shard.batch).shard-\(shard.index)-of-\(shard.count)', "
                    + "which is how the state directory names shard \(shard.index) of batch '\(shard.batch)' "
                    + "(status would show it as one); add 'name:' with another name, or rename the file"
            )
        }
        let timeZone = fields["timezone"].flatMap { reader.markedString($0.value, "timezone") }
        if let timeZone, TimeZone(identifier: timeZone.value) == nil {
            reader.error(
                timeZone.mark,
                "'\(timeZone.value)' is not a time zone; use a name of the IANA database such as UTC, "
                    + "Asia/Shanghai or Europe/Berlin"
            )
        } else if let timeZone, Self.isAbbreviation(timeZone.value) {
            reader.error(
                timeZone.mark,
                "'\(timeZone.value)' is an abbreviation, which names different zones in different places (CST is "
                    + "China, US Central and Cuba); use a name of the IANA database such as Asia/Shanghai or "
                    + "America/Chicago"
            )
        }
        let allowEmpty = fields["allow_empty"].flatMap { reader.bool($0.value, "allow_empty") } ?? false
        let target: TargetSection
        if let node = fields["target"]?.value {
            target = self.target(node)
        } else {
            reader.error(root, "missing required section 'target' (endpoint, bucket, region)")
            target = TargetSection(mark: reader.mark(root))
        }
        let (upload, planning) =
            fields["upload"].map { self.upload($0.value) } ?? (UploadSettings(), (.skip, .balanced, nil))
        let defaults =
            fields["defaults"].map { options(of: $0.value, in: "defaults", allowed: Self.optionFields) }
            ?? EntryOptions()
        var files: [FileEntry] = []
        if let node = fields["files"]?.value {
            if case .sequence(let sequence) = node {
                files = entries(sequence, defaults: defaults)
                if sequence.isEmpty { reader.error(node, "'files' is empty; list at least one source or glob") }
            } else {
                reader.error(
                    node,
                    "'files' must be a list of entries (- source: … or - glob: …), not \(reader.describe(node))"
                )
            }
        } else {
            reader.error(root, "missing required section 'files'")
        }
        return Manifest(
            path: path,
            mark: reader.mark(root),
            version: version,
            name: name,
            timeZone: timeZone,
            allowEmpty: allowEmpty,
            onUnreadable: planning.onUnreadable,
            shardSplit: planning.shardSplit,
            bandwidthMark: planning.bandwidthMark,
            target: target,
            upload: upload,
            defaults: defaults,
            files: files
        )
    }

    private func target(_ node: Node) -> TargetSection {
        var section = TargetSection(mark: reader.mark(node))
        guard let fields = reader.fields(of: node, in: "target", allowed: Self.targetFields) else { return section }
        section.endpoint = fields["endpoint"].flatMap { reader.markedString($0.value, "endpoint") }
        section.region = fields["region"].flatMap { reader.markedString($0.value, "region") }
        section.bucket = fields["bucket"].flatMap { reader.markedString($0.value, "bucket") }
        section.signature = fields["signature"].flatMap { reader.choice($0.value, "signature", SignatureVersion.self) }
        section.addressing = fields["addressing"].flatMap { reader.choice($0.value, "addressing", Addressing.self) }
        if let credentials = fields["credentials"]?.value,
            let sub = reader.fields(
                of: credentials,
                in: "target.credentials",
                allowed: ["file", "profile", "ecs_ram_role"]
            )
        {
            let profile =
                sub["profile"].flatMap { reader.string($0.value, "profile") } ?? CredentialsSource.defaultProfile
            if let role = sub["ecs_ram_role"] {
                if sub["file"] != nil || sub["profile"] != nil {
                    reader.error(role.key, "target.credentials has either 'file' (and 'profile') or 'ecs_ram_role'")
                } else if let name = reader.string(role.value, "ecs_ram_role") {
                    if name.isEmpty { reader.error(role.value, "'ecs_ram_role' must name the instance's RAM role") }
                    section.credentials = CredentialsSection(file: nil, profile: profile, ecsRAMRole: name)
                }
            } else if let file = sub["file"].flatMap({ reader.markedString($0.value, "file") }) {
                section.credentials = CredentialsSection(file: file, profile: profile, ecsRAMRole: nil)
            } else if sub["file"] == nil {
                reader.error(
                    credentials,
                    "target.credentials needs 'file' (the path of an INI credentials file) or 'ecs_ram_role' (the "
                        + "name of the ECS instance's RAM role)"
                )
            }
        }
        return section
    }

    /// The `upload:` section over `UploadSettings`' defaults (the one place they are defined); the
    /// checkpoint directory stays as written. `on_unreadable` (default `skip`) and `shard_split` (default
    /// `balanced`) are the planner's, not the engine's, so they come apart.
    private func upload(
        _ node: Node
    ) -> (UploadSettings, (onUnreadable: OnUnreadable, shardSplit: ShardSplit, bandwidthMark: SourceMark?)) {
        var settings = UploadSettings()
        guard let fields = reader.fields(of: node, in: "upload", allowed: Self.uploadFields) else {
            return (settings, (.skip, .balanced, nil))
        }
        var onUnreadable = OnUnreadable.skip
        if let n = fields["on_unreadable"]?.value, let v = reader.choice(n, "on_unreadable", OnUnreadable.self) {
            onUnreadable = v
        }
        var shardSplit = ShardSplit.balanced
        if let n = fields["shard_split"]?.value, let v = reader.choice(n, "shard_split", ShardSplit.self) {
            shardSplit = v
        }
        typealias Limits = UploadSettings
        if let n = fields["concurrency"]?.value, let v = reader.int(n, "concurrency", range: Limits.concurrencyRange) {
            settings.concurrency = v
        }
        if let n = fields["files_in_flight"]?.value,
            let v = reader.int(n, "files_in_flight", range: Limits.filesInFlightRange)
        {
            settings.filesInFlight = v
        }
        if let n = fields["part_size"]?.value,
            let v = reader.size(n, "part_size", in: Limits.partSizeRange, why: "OSS part limits")
        {
            settings.partSize = v
        }
        if let n = fields["multipart_threshold"]?.value,
            let v = reader.size(
                n,
                "multipart_threshold",
                in: Limits.multipartThresholdRange,
                why: "a bigger file must go up in parts"
            )
        {
            settings.multipartThreshold = v
        }
        if let n = fields["verify"]?.value, let v = reader.choice(n, "verify", VerifyMode.self) { settings.verify = v }
        if let n = fields["checkpoint_dir"]?.value, let v = reader.string(n, "checkpoint_dir") {
            settings.checkpointDir = v
        }
        if let n = fields["if_exists"]?.value, let v = reader.choice(n, "if_exists", IfExists.self) {
            settings.ifExists = v
        }
        if let n = fields["unchanged"]?.value, let v = reader.choice(n, "unchanged", UnchangedPolicy.self) {
            settings.unchanged = v
        }
        if let n = fields["bandwidth"]?.value,
            let v = reader.size(n, "bandwidth", in: Limits.bandwidthRange, perSecond: true, zeroMeans: "unlimited")
        {
            settings.bandwidth = v
        }
        if let n = fields["stall_timeout"]?.value,
            let v = reader.duration(n, "stall_timeout", in: Limits.stallTimeoutRange)
        {
            settings.stallTimeout = v
        }
        if let n = fields["retries"]?.value,
            let sub = reader.fields(of: n, in: "upload.retries", allowed: ["attempts", "base_delay", "max_delay"])
        {
            if let a = sub["attempts"].flatMap({ reader.int($0.value, "attempts", range: Limits.attemptsRange) }) {
                settings.retry.attempts = a
            }
            if let d = sub["base_delay"].flatMap({
                reader.duration($0.value, "base_delay", in: Limits.retryDelayRange)
            }) {
                settings.retry.baseDelay = d
            }
            if let d = sub["max_delay"].flatMap({ reader.duration($0.value, "max_delay", in: Limits.retryDelayRange) })
            {
                settings.retry.maxDelay = d
            }
        }
        // A retry waits up to `max_delay` with nothing moving: a stall limit within it would stop a healthy run.
        // Said outright, that is an error; left to its default, the limit grows past such long waits. The wait
        // is at least `base_delay` (the planner raises `max_delay` to it): `base_delay: 2m` beside
        // `stall_timeout: 1m` passed, and the run stopped as stalled in the first retry's wait (review of e4ab55a).
        let longestWait = max(settings.retry.maxDelay, settings.retry.baseDelay)
        if let given = fields["stall_timeout"] {
            if settings.stallTimeout <= longestWait {
                reader.error(
                    given.value,
                    "'stall_timeout' (\(DurationText.formatExact(settings.stallTimeout))) must be longer than "
                        + "a retry's longest wait, \(DurationText.formatExact(longestWait)) (retries.max_delay, or "
                        + "base_delay when longer): a retry's wait is not a stall"
                )
            }
        } else {
            settings.stallTimeout = max(settings.stallTimeout, 2 * longestWait)
        }
        return (settings, (onUnreadable, shardSplit, fields["bandwidth"].map { reader.mark($0.value) }))
    }

    private func options(of node: Node, in context: String, allowed: [String]) -> EntryOptions {
        guard let fields = reader.fields(of: node, in: context, allowed: allowed) else { return EntryOptions() }
        let options = options(fields)
        checkEncryption(options, fields, at: node)
        return options
    }

    /// A KMS key or data encryption only means something with `server_side_encryption: KMS` (said here or in
    /// `defaults`); OSS would refuse the request, so the manifest is refused at the field.
    private func checkEncryption(
        _ merged: EntryOptions,
        _ fields: [String: (key: Node, value: Node)],
        at node: Node
    ) {
        guard merged.sseKMSKeyID != nil || merged.sseDataEncryption != nil, merged.serverSideEncryption != .kms
        else { return }
        let at = fields["sse_kms_key_id"] ?? fields["sse_data_encryption"] ?? fields["server_side_encryption"]
        reader.error(
            at?.key ?? node,
            "'sse_kms_key_id' and 'sse_data_encryption' need server_side_encryption: KMS"
                + (merged.serverSideEncryption.map { ", not \($0.rawValue)" } ?? "")
        )
    }

    private func options(_ fields: [String: (key: Node, value: Node)]) -> EntryOptions {
        var o = EntryOptions()
        o.contentType = fields["content_type"].flatMap { reader.headerString($0.value, "content_type") }
        o.acl = fields["acl"].flatMap { reader.choice($0.value, "acl", ObjectACL.self) }
        o.storageClass = fields["storage_class"].flatMap { reader.choice($0.value, "storage_class", StorageClass.self) }
        o.metadata = fields["metadata"].flatMap { reader.stringMap($0.value, "metadata", headerNames: true) }
        o.tags = fields["tags"].flatMap { reader.stringMap($0.value, "tags") }
        o.cacheControl = fields["cache_control"].flatMap { reader.headerString($0.value, "cache_control") }
        o.contentDisposition = fields["content_disposition"].flatMap {
            reader.headerString($0.value, "content_disposition")
        }
        o.contentEncoding = fields["content_encoding"].flatMap { reader.headerString($0.value, "content_encoding") }
        o.forbidOverwrite = fields["forbid_overwrite"].flatMap { reader.bool($0.value, "forbid_overwrite") }
        o.followSymlinks = fields["follow_symlinks"].flatMap { reader.bool($0.value, "follow_symlinks") }
        o.callback = fields["callback"].flatMap { callback($0.value) }
        o.serverSideEncryption = fields["server_side_encryption"].flatMap {
            reader.choice($0.value, "server_side_encryption", ServerSideEncryption.self)
        }
        o.sseKMSKeyID = fields["sse_kms_key_id"].flatMap { reader.headerString($0.value, "sse_kms_key_id") }
        o.sseDataEncryption = fields["sse_data_encryption"].flatMap {
            reader.choice($0.value, "sse_data_encryption", SSEDataEncryption.self)
        }
        return o
    }

    private func callback(_ node: Node) -> UploadCallback? {
        guard let f = reader.fields(of: node, in: "callback", allowed: ["url", "host", "body", "body_type", "vars"])
        else { return nil }
        let url = f["url"].flatMap { reader.string($0.value, "url") }
        let body = f["body"].flatMap { reader.string($0.value, "body") }
        if f["url"] == nil { reader.error(node, "callback needs 'url'") }
        if f["body"] == nil { reader.error(node, "callback needs 'body'") }
        guard let url, let body else { return nil }
        return UploadCallback(
            url: url,
            host: f["host"].flatMap { reader.string($0.value, "host") },
            body: body,
            bodyType: f["body_type"].flatMap { reader.string($0.value, "body_type") },
            vars: f["vars"].flatMap { reader.stringMap($0.value, "vars") } ?? [:]
        )
    }

    /// The entries of `files:`. An entry repeated through an alias (`- *e`) would upload the same files to
    /// the same keys again: it is one error at the anchored entry, and the copies are not read (a list of
    /// 200,000 aliases must not become 200,000 directory walks).
    private func entries(_ sequence: Node.Sequence, defaults: EntryOptions) -> [FileEntry] {
        var copies: [SourceMark: Int] = [:]  // an entry's position → copies of it met
        var written: [(mark: SourceMark, node: Node)] = []
        var result: [FileEntry] = []
        for item in sequence {
            if case .mapping = item, item.mark != nil {
                let mark = reader.mark(item)
                if let count = copies[mark] {
                    copies[mark] = count + 1
                    continue
                }
                copies[mark] = 0
                written.append((mark, item))
            }
            if let entry = entry(item, defaults: defaults) { result.append(entry) }
        }
        for (mark, node) in written {
            guard let count = copies[mark], count > 0 else { continue }
            reader.error(
                node,
                "this entry is listed \(count) more time\(count == 1 ? "" : "s") through an alias; "
                    + "each copy would upload the same files to the same keys"
            )
        }
        return result
    }

    private func entry(_ node: Node, defaults: EntryOptions) -> FileEntry? {
        guard let f = reader.fields(of: node, in: "a files entry", allowed: Self.entryFields) else { return nil }
        let source = f["source"].flatMap { reader.markedString($0.value, "source") }
        let glob = f["glob"].flatMap { reader.markedString($0.value, "glob") }
        let selector: FileEntry.Selector
        switch (source, glob) {
        case (let s?, nil): selector = .source(s)
        case (nil, let g?): selector = .glob(g)
        case (_?, _?):
            reader.error(f["glob"]!.key, "an entry has either 'source' or 'glob', not both")
            return nil
        case (nil, nil):
            if f["source"] == nil && f["glob"] == nil {
                reader.error(node, "an entry needs 'source' (a file or directory) or 'glob'")
            }
            return nil
        }
        let key = f["key"].flatMap { keyTemplate($0.value, "key") }
        let keyPrefix = f["key_prefix"].flatMap { keyTemplate($0.value, "key_prefix") }
        if let key, keyPrefix != nil { reader.error(key.mark, "an entry has either 'key' or 'key_prefix', not both") }
        if let key, case .glob = selector {
            reader.error(key.mark, "'key' names one object; a glob takes 'key_prefix'")
        }
        let options = options(f)
        // Checked merged with `defaults`, where the entry says anything about encryption (else `defaults`
        // was checked on its own).
        if f["server_side_encryption"] != nil || f["sse_kms_key_id"] != nil || f["sse_data_encryption"] != nil {
            checkEncryption(options.over(defaults), f, at: node)
        }
        return FileEntry(
            mark: reader.mark(node),
            selector: selector,
            key: key,
            keyPrefix: keyPrefix,
            include: f["include"].map { reader.stringList($0.value, "include") } ?? [],
            exclude: f["exclude"].map { reader.stringList($0.value, "exclude") } ?? [],
            isOptional: f["optional"].flatMap { reader.bool($0.value, "optional") } ?? false,
            options: options
        )
    }
}

extension ManifestDecoding {
    /// Whether `zone` is an abbreviation (`CST`, `IST`, `BST`) rather than a zone of the IANA database:
    /// Foundation takes `CST` for America/Chicago, and a Beijing server's 02:00 run filed tonight under
    /// yesterday's `{date}`, over yesterday's snapshot (review of e4ab55a). `UTC` and `GMT` are zones.
    static func isAbbreviation(_ zone: String) -> Bool {
        guard zone != "UTC", zone.count <= 5, zone.allSatisfy({ $0.isASCII && $0.isUppercase }) else { return false }
        return !TimeZone.knownTimeZoneIdentifiers.contains(zone)
    }

    /// A `key` or `key_prefix`, its placeholders checked (they are resolved when the plan is made).
    private func keyTemplate(_ node: Node, _ field: String) -> Marked<String>? {
        // `key: {date}` is a YAML mapping, not text: say how to write it.
        if case .mapping = node {
            reader.error(
                node,
                "'\(field)' must be a string, not a mapping: YAML reads a value that starts with '{' as a mapping; "
                    + "quote it, as in \(field): \"{date}/…\""
            )
            return nil
        }
        guard let template = reader.markedString(node, field) else { return nil }
        do {
            _ = try KeyTemplate(parsing: template.value)
        } catch {
            reader.error(template.mark, error.message)
        }
        return template
    }
}

extension TargetSection {
    init(mark: SourceMark) {
        self.init(
            mark: mark,
            endpoint: nil,
            region: nil,
            bucket: nil,
            signature: nil,
            addressing: nil,
            credentials: nil
        )
    }
}
