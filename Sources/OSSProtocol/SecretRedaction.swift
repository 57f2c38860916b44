/// Secrets taken out of text that came from elsewhere (a server's error message, an STS answer) before it is
/// shown, logged or written to a report.
public enum SecretRedaction {
    public static let placeholder = "[redacted]"

    /// Secrets shorter than this are not looked for: they would match ordinary words and request ids, and
    /// turn every message into a pattern that spells them out. (An AccessKey secret has 30 characters, an STS
    /// token hundreds.)
    public static let minimumLength = 8

    /// A stretch of text this long that also appears in a secret is taken out even where the rest of the
    /// secret is not there: an STS or proxy message may quote a token cut short ("token eyJhbGciOi… is
    /// invalid") or one segment of a JWT. Shorter fragments are kept (a request id or a word could match
    /// them by chance; a dozen characters of a random secret cannot).
    public static let fragmentLength = 12

    /// `text` with every occurrence of each of `secrets` (shorter ones ignored), and every stretch of
    /// `fragmentLength` characters or more that a secret contains, replaced by `[redacted]`.
    public static func redacting(_ text: String, _ secrets: [String]) -> String {
        var text = text
        for secret in secrets where secret.count >= minimumLength && text.contains(secret) {
            text = text.replacing(secret, with: placeholder)
        }
        return redactingFragments(text, secrets)
    }

    /// The fragments `redacting` takes out: every window of `fragmentLength` bytes of the text that a secret
    /// holds marks its bytes; each run of marked bytes becomes one placeholder. Windows are compared as bytes
    /// through a set of the secrets' own windows: linear in both lengths (an STS token is a few KB).
    private static func redactingFragments(_ text: String, _ secrets: [String]) -> String {
        let bytes = Array(text.utf8)
        let long = secrets.filter { $0.utf8.count >= fragmentLength }
        guard bytes.count >= fragmentLength, !long.isEmpty else { return text }
        var windows = Set<ArraySlice<UInt8>>()
        for secret in long {
            let secretBytes = Array(secret.utf8)
            for start in 0...(secretBytes.count - fragmentLength) {
                windows.insert(secretBytes[start..<(start + fragmentLength)])
            }
        }
        var marked = [Bool](repeating: false, count: bytes.count)
        var found = false
        for start in 0...(bytes.count - fragmentLength)
        where windows.contains(bytes[start..<(start + fragmentLength)]) {
            for i in start..<(start + fragmentLength) { marked[i] = true }
            found = true
        }
        guard found else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if marked[i] {
                out.append(contentsOf: placeholder.utf8)
                while i < bytes.count && marked[i] { i += 1 }
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        // A secret is ASCII in practice; were it not, a run could start inside a character, and decoding
        // repairs that rather than trapping.
        return String(decoding: out, as: UTF8.self)
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
