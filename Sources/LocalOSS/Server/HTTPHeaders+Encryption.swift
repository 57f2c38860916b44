import NIOHTTP1

extension HTTPHeaders {
    /// Adds the stored object's (or upload's) encryption headers, as OSS echoes them.
    mutating func addEncryption(from stored: [String: String]) {
        for name in StoredHeaders.encryption {
            if let value = stored[name] { add(name: name, value: value) }
        }
    }
}
