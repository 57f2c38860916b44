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
