/// OSS bucket naming rules: 3–63 characters of lower-case letters, digits and hyphens, starting and
/// ending with a letter or digit.
package enum BucketName {
    package static func problem(with name: String) -> String? {
        let chars = Array(name.utf8)
        let allowed = chars.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
        guard (3...63).contains(chars.count), allowed, chars.first != 0x2D, chars.last != 0x2D else {
            return "'\(name)' is not a valid bucket name: use 3–63 lower-case letters, digits and hyphens, "
                + "starting and ending with a letter or digit"
        }
        return nil
    }
}
