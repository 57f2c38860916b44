/// What to do when the key already exists.
package enum IfExists: String, Sendable, Hashable, Codable, CaseIterable {
    case overwrite, skip, fail
}
