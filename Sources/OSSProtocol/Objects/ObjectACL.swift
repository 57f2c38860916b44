/// `x-oss-object-acl`. `.default` inherits the bucket's ACL and sends no header.
public enum ObjectACL: String, Sendable, Hashable, Codable, CaseIterable {
    case `default` = "default"
    case `private` = "private"
    case publicRead = "public-read"
    case publicReadWrite = "public-read-write"
}
