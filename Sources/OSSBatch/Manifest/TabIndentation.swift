/// YAML forbids tabs in indentation; libyaml's own message for them is cryptic, so we find them
/// first and say what is wrong, at the tab's exact line and column.
enum TabIndentation {
    static func diagnostics(in text: String, file: String) -> [Diagnostic] {
        var result: [Diagnostic] = []
        var line = 1
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var column = 1
            for character in rawLine {
                if character == "\t" {
                    result.append(
                        Diagnostic(
                            file: file,
                            line: line,
                            column: column,
                            message: "tab character in indentation; YAML indents with spaces only"
                        )
                    )
                    break
                }
                guard character == " " else { break }
                column += 1
            }
            line += 1
        }
        return result
    }
}
