import OSSKit

/// Resolves `target:` with command-line overrides: checks the bucket name, normalises the endpoint,
/// derives the region from standard endpoints and picks path addressing for IP and localhost endpoints.
/// A problem with a value given on the command line is a command-line diagnostic naming the flag.
struct TargetResolver {
    let section: TargetSection
    let overrides: TargetOverrides

    /// A target value and where it was given.
    private struct Given {
        var value: String
        /// The manifest's node, or `nil` when the value came from `--flag`.
        var mark: SourceMark?
        var flag: String

        func diagnostic(_ message: String) -> Diagnostic {
            mark.map { Diagnostic($0, message) } ?? Diagnostic(flag: flag, message)
        }
    }

    private func given(_ flag: String, _ override: String?, _ written: Marked<String>?) -> Given? {
        if let override { return Given(value: override, mark: nil, flag: flag) }
        return written.map { Given(value: $0.value, mark: $0.mark, flag: flag) }
    }

    func resolve(into diagnostics: inout [Diagnostic]) -> Target? {
        let endpoint = given("endpoint", overrides.endpoint, section.endpoint)
        let bucket = given("bucket", overrides.bucket, section.bucket)
        let region = given("region", overrides.region, section.region)
        var ok = true
        if endpoint == nil {
            diagnostics.append(
                Diagnostic(
                    section.mark,
                    "missing 'target.endpoint' (e.g. https://oss-cn-hangzhou.aliyuncs.com; or give --endpoint)"
                )
            )
            ok = false
        }
        if let bucket {
            if let problem = BucketName.problem(with: bucket.value) {
                diagnostics.append(bucket.diagnostic(bucket.mark == nil ? "--bucket: \(problem)" : problem))
                ok = false
            }
        } else {
            diagnostics.append(Diagnostic(section.mark, "missing 'target.bucket'"))
            ok = false
        }
        guard ok, let endpoint, let bucket else { return nil }
        guard let parsed = Endpoint(endpoint.value) else {
            let what = endpoint.mark == nil ? "--endpoint '\(endpoint.value)'" : "'\(endpoint.value)'"
            diagnostics.append(
                endpoint.diagnostic(
                    "\(what) is not an endpoint; expected a host name with an optional http:// or https:// scheme and port"
                )
            )
            return nil
        }
        let signature = section.signature ?? .v4
        var resolvedRegion = region?.value ?? parsed.derivedRegion
        if resolvedRegion == nil {
            if signature == .v4 {
                // Said where the endpoint was given: a flag needs another flag, a manifest value a field.
                let message =
                    endpoint.mark == nil
                    ? "cannot derive the region from --endpoint '\(parsed.host)'; add --region REGION "
                        + "(signature v4 needs it)"
                    : "cannot derive the region from endpoint '\(parsed.host)'; set 'target.region' or give "
                        + "--region (signature v4 needs it)"
                diagnostics.append(endpoint.diagnostic(message))
                return nil
            }
            resolvedRegion = ""
        }
        let addressing = section.addressing ?? (parsed.isIPOrLocalhost ? .path : .virtualHost)
        return Target(
            endpoint: parsed.url,
            region: resolvedRegion!,
            bucket: bucket.value,
            signature: signature,
            addressing: addressing
        )
    }
}

/// An endpoint as written: `[scheme://]host[:port][/]`.
struct Endpoint {
    var scheme: String
    var host: String
    var port: Int?

    init?(_ text: String) {
        var rest = Substring(text)
        scheme = "https"
        if let range = rest.range(of: "://") {
            scheme = rest[..<range.lowerBound].lowercased()
            rest = rest[range.upperBound...]
        }
        while rest.hasSuffix("/") { rest.removeLast() }
        guard scheme == "http" || scheme == "https", !rest.isEmpty, !rest.contains("/"),
            !rest.contains(where: { $0 == " " || $0 == "@" || $0 == "?" })
        else { return nil }
        if rest.hasPrefix("[") {  // IPv6 literal: [::1]:9000
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = String(rest[...close])
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") {
                guard let p = Int(after.dropFirst()) else { return nil }
                port = p
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            guard let p = Int(rest[rest.index(after: colon)...]), (1...65535).contains(p) else { return nil }
            port = p
        } else {
            host = String(rest)
        }
        guard !host.isEmpty else { return nil }
    }

    var url: String { "\(scheme)://\(host)" + (port.map { ":\($0)" } ?? "") }

    var isIPOrLocalhost: Bool {
        if host == "localhost" || host.hasPrefix("[") { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil }
    }

    /// `oss-cn-hangzhou.aliyuncs.com` and `oss-cn-hangzhou-internal.aliyuncs.com` → `cn-hangzhou`.
    var derivedRegion: String? {
        let lower = host.lowercased()
        guard lower.hasPrefix("oss-"), lower.hasSuffix(".aliyuncs.com") else { return nil }
        var name = lower.dropFirst(4).dropLast(".aliyuncs.com".count)
        if name.hasSuffix("-internal") { name = name.dropLast("-internal".count) }
        guard !name.isEmpty, !name.contains("."), name != "accelerate", name != "accelerate-overseas" else {
            return nil
        }
        return String(name)
    }
}
