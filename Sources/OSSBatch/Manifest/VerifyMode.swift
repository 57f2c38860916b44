/// What to verify end to end.
package enum VerifyMode: String, Sendable, Hashable, Codable, CaseIterable {
    case crc64, md5, both, none
}
