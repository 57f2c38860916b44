import Foundation

extension UploadCallback {
    /// `x-oss-callback` (base64 of the JSON description) and, with custom variables, `x-oss-callback-var`
    /// (base64 of a JSON object whose names are `x:<name>`, lower-cased as OSS requires).
    public var headers: [(name: String, value: String)] {
        var spec: [String: String] = ["callbackUrl": url, "callbackBody": body]
        if let host { spec["callbackHost"] = host }
        if let bodyType { spec["callbackBodyType"] = bodyType }
        var out: [(name: String, value: String)] = [("x-oss-callback", Self.base64JSON(spec))]
        if !vars.isEmpty {
            var named: [String: String] = [:]
            for (name, value) in vars {
                let bare = name.hasPrefix("x:") ? String(name.dropFirst(2)) : name
                named["x:" + bare.lowercased()] = value
            }
            out.append(("x-oss-callback-var", Self.base64JSON(named)))
        }
        return out
    }

    private static func base64JSON(_ object: [String: String]) -> String {
        // Sorted keys and unescaped slashes: stable bytes, and URLs as OSS's own examples write them.
        // Encoding a [String: String] cannot fail.
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return data.base64EncodedString()
    }
}
