/// Secrets taken out of text that came from elsewhere (a server's error message, an STS answer) before it is
/// shown, logged or written to a report.
public enum SecretRedaction {
    public static let placeholder = "[redacted]"

    /// Secrets shorter than this are not looked for: they would match ordinary words and request ids, and
    /// turn every message into a pattern that spells them out. (An AccessKey secret has 30 characters, an STS
    /// token hundreds.)
    public static let minimumLength = 8

    /// `text` with every occurrence of each of `secrets` (shorter ones ignored) replaced by `[redacted]`.
    public static func redacting(_ text: String, _ secrets: [String]) -> String {
        var text = text
        for secret in secrets where secret.count >= minimumLength && text.contains(secret) {
            text = text.replacing(secret, with: placeholder)
        }
        return text
    }

    /// `url` with its user info (`user:password@` before the host) shown as `…@`: a URL may carry a password,
    /// and endpoints are named in messages and logs.
    public static func hidingUserInfo(_ url: String) -> String {
        let start = url.range(of: "://")?.upperBound ?? url.startIndex
        let end = url[start...].firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? url.endIndex
        guard let at = url[start..<end].lastIndex(of: "@") else { return url }
        return String(url[..<start]) + "…" + String(url[at...])
    }
}
