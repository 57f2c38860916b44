import OSSKit
import OSSProtocol

/// Resolves `target:` with command-line overrides: checks the bucket name, normalises the endpoint,
/// derives the region from standard endpoints and picks path addressing for IP and localhost endpoints.
struct TargetResolver {
    let section: TargetSection
    let overrides: TargetOverrides

    /// A mark for values that came from the command line rather than the manifest.
    private func flag(_ name: String) -> SourceMark { SourceMark(file: "--\(name)") }

    func resolve(into diagnostics: inout [Diagnostic]) -> Target? {
        let endpoint = overrides.endpoint.map { Marked($0, at: flag("endpoint")) } ?? section.endpoint
        let bucket = overrides.bucket.map { Marked($0, at: flag("bucket")) } ?? section.bucket
        let region = overrides.region.map { Marked($0, at: flag("region")) } ?? section.region
        var ok = true
        if endpoint == nil {
            diagnostics.append(
                Diagnostic(section.mark, "missing 'target.endpoint' (e.g. https://oss-cn-hangzhou.aliyuncs.com)")
            )
            ok = false
        }
        if let bucket {
            if let problem = BucketName.problem(with: bucket.value) {
                diagnostics.append(Diagnostic(bucket.mark, problem))
                ok = false
            }
        } else {
            diagnostics.append(Diagnostic(section.mark, "missing 'target.bucket'"))
            ok = false
        }
        guard ok, let endpoint, let bucket else { return nil }
        guard let parsed = Endpoint(endpoint.value) else {
            diagnostics.append(
                Diagnostic(
                    endpoint.mark,
                    "'\(endpoint.value)' is not an endpoint; expected a host name with an optional http:// or https:// scheme and port"
                )
            )
            return nil
        }
        let signature = section.signature ?? .v4
        var resolvedRegion = region?.value ?? parsed.derivedRegion
        if resolvedRegion == nil {
            if signature == .v4 {
                diagnostics.append(
                    Diagnostic(
                        region?.mark ?? section.mark,
                        "cannot derive the region from endpoint '\(parsed.host)'; set 'target.region' (signature v4 needs it)"
                    )
                )
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
