import Foundation

/// The proxy that libcurl sends requests to an endpoint through, from the environment, by curl's own rules:
/// `http_proxy` (lower case only) for `http://`, `https_proxy` else `HTTPS_PROXY` for `https://`, else
/// `all_proxy`/`ALL_PROXY` (lower case first; an empty value means none); none when `no_proxy`/`NO_PROXY` is
/// `*` or names the host, a domain it is in, or an IPv4 block it is in.
/// Said beside "cannot reach ENDPOINT": a dead proxy otherwise shows as the endpoint unreachable with the
/// proxy's port in curl's reason, and nothing names the variable (audit of 72b75db).
package struct ProxyRoute: Equatable, CustomStringConvertible {
    /// The variable that named the proxy.
    package var variable: String
    /// The proxy's URL, with any user and password left out.
    package var proxy: String

    package var description: String { "through the proxy \(proxy) (from \(variable))" }

    /// The proxy for `endpoint`, if the environment gives one.
    package static func to(
        _ endpoint: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    )
        -> ProxyRoute?
    {
        guard let url = URL(string: endpoint), let scheme = url.scheme?.lowercased(), let host = url.host else {
            return nil
        }
        // curl reads the lower-case name first and the upper-case one only when it is not set at all (an empty
        // value is set: no proxy); `HTTP_PROXY` is never read (a CGI request's `Proxy:` header could set it).
        func variable(_ lower: String, _ upper: String?) -> (String, String)? {
            if let value = environment[lower] { return (lower, value) }
            if let upper, let value = environment[upper] { return (upper, value) }
            return nil
        }
        let noProxy = variable("no_proxy", "NO_PROXY")?.1 ?? ""
        if Self.excludes(noProxy, host: host.lowercased()) { return nil }
        guard
            let (name, value) = variable(
                scheme == "https" ? "https_proxy" : "http_proxy",
                scheme == "https" ? "HTTPS_PROXY" : nil
            ) ?? variable("all_proxy", "ALL_PROXY"),
            !value.isEmpty
        else { return nil }
        return ProxyRoute(variable: name, proxy: Self.withoutCredentials(value))
    }

    /// Whether a `NO_PROXY` list (comma-separated hosts or domains, `*` for all) leaves `host` out.
    package static func excludes(_ list: String, host: String) -> Bool {
        for item in list.split(separator: ",") {
            var entry = item.trimmingCharacters(in: .whitespaces).lowercased()
            if entry == "*" { return true }
            if entry.hasPrefix(".") { entry.removeFirst() }
            if entry.isEmpty { continue }
            if host == entry || host.hasSuffix("." + entry) { return true }
            if Self.inBlock(host, entry) { return true }
        }
        return false
    }

    /// Whether the IPv4 address `host` is in the CIDR block `entry` (`127.0.0.0/8`), as curl reads one.
    static func inBlock(_ host: String, _ entry: String) -> Bool {
        let parts = entry.split(separator: "/", maxSplits: 1)
        guard parts.count == 2, let bits = Int(parts[1]), (0...32).contains(bits),
            let network = ipv4(String(parts[0])), let address = ipv4(host)
        else { return false }
        let mask: UInt32 = bits == 0 ? 0 : ~UInt32(0) << (32 - bits)
        return network & mask == address & mask
    }

    private static func ipv4(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false).compactMap { UInt8($0) }
        guard octets.count == 4, text.split(separator: ".", omittingEmptySubsequences: false).count == 4 else {
            return nil
        }
        return octets.reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// `value` with a `user:password@` part removed: a proxy's password never goes into a message.
    package static func withoutCredentials(_ value: String) -> String {
        guard let at = value.lastIndex(of: "@") else { return value }
        let start = value.range(of: "://").map(\.upperBound) ?? value.startIndex
        guard start <= at else { return value }
        return String(value[..<start]) + String(value[value.index(after: at)...])
    }
}
