import Foundation

/// The proxy that libcurl sends requests to an endpoint through, from the environment, by curl's own rules:
/// `http_proxy` (lower case only) for `http://`, `HTTPS_PROXY` or `https_proxy` for `https://`, else
/// `ALL_PROXY`/`all_proxy`; none when `NO_PROXY`/`no_proxy` is `*` or names the host (or a domain it is in).
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
        let noProxy = (environment["NO_PROXY"] ?? environment["no_proxy"] ?? "")
        if Self.excludes(noProxy, host: host.lowercased()) { return nil }
        let names = (scheme == "https" ? ["HTTPS_PROXY", "https_proxy"] : ["http_proxy"]) + ["ALL_PROXY", "all_proxy"]
        for name in names {
            if let value = environment[name], !value.isEmpty {
                return ProxyRoute(variable: name, proxy: Self.withoutCredentials(value))
            }
        }
        return nil
    }

    /// Whether a `NO_PROXY` list (comma-separated hosts or domains, `*` for all) leaves `host` out.
    package static func excludes(_ list: String, host: String) -> Bool {
        for item in list.split(separator: ",") {
            var entry = item.trimmingCharacters(in: .whitespaces).lowercased()
            if entry == "*" { return true }
            if entry.hasPrefix(".") { entry.removeFirst() }
            if entry.isEmpty { continue }
            if host == entry || host.hasSuffix("." + entry) { return true }
        }
        return false
    }

    /// `value` with a `user:password@` part removed: a proxy's password never goes into a message.
    package static func withoutCredentials(_ value: String) -> String {
        guard let at = value.lastIndex(of: "@") else { return value }
        let start = value.range(of: "://").map(\.upperBound) ?? value.startIndex
        guard start <= at else { return value }
        return String(value[..<start]) + String(value[value.index(after: at)...])
    }
}
