/// The values one plan resolves placeholders with: one moment (already in the manifest's time zone), the
/// host name, the environment and the batch name.
struct PlaceholderContext: Sendable {
    var time: CivilTime
    var hostname: String?
    var environment: [String: String]
    var name: String
}
