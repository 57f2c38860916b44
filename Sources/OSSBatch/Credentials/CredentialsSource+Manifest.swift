import Foundation

extension CredentialsSource {
    /// Where the manifest's `target.credentials` says to find credentials (a file path relative to the
    /// manifest's directory), or nil when it names neither a file nor an ECS RAM role.
    package init?(_ section: CredentialsSection, manifestDirectory: String) {
        if let role = section.ecsRAMRole {
            self.init(ecsRAMRole: role)
        } else if let file = section.file {
            self.init(file: PathResolver.absolute(file.value, relativeTo: manifestDirectory), profile: section.profile)
        } else {
            return nil
        }
    }
}
