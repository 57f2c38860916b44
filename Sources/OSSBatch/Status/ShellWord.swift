/// Words of the commands ossbatch prints for the user to run (`ossbatch resume PATH`), quoted for a POSIX
/// shell where they need it.
package enum ShellWord {
    private static let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+=:,@%".utf8)

    /// `word` as is when the shell would take it so, else in single quotes.
    package static func quoted(_ word: String) -> String {
        if !word.isEmpty, word.utf8.allSatisfy(plain.contains) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
