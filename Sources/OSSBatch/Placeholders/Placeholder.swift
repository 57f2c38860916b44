/// One `{…}` in a key template.
enum Placeholder: Sendable, Hashable {
    /// `{date:FORMAT}` or `{time:FORMAT}`: the plan's moment in the manifest's time zone.
    case time(TimeFormat)
    /// `{hostname}`: this machine's host name.
    case hostname
    /// `{env:NAME}`: an environment variable, which must be set and not empty.
    case environment(String)
    /// `{name}`: the batch name.
    case name

    static let names = ["date", "time", "hostname", "env", "name"]
    /// `{date}` without a format.
    static let defaultDateFormat = "%Y-%m-%d"
    /// `{time}` without a format.
    static let defaultTimeFormat = "%H%M%S"
    static let summary = "{date:FORMAT}, {time:FORMAT}, {hostname}, {env:NAME} and {name}"

    /// Reads the text between the braces of `{body}`, found in `template`; `afterDollar` says the brace
    /// followed a `$`, the mark of a shell variable.
    init(parsing body: String, in template: String, afterDollar: Bool) throws(ValueProblem) {
        let colon = body.firstIndex(of: ":")
        let name = colon.map { String(body[..<$0]) } ?? body
        let argument = colon.map { String(body[body.index(after: $0)...]) }
        switch name {
        case "date": self = .time(try TimeFormat(parsing: argument ?? Self.defaultDateFormat))
        case "time": self = .time(try TimeFormat(parsing: argument ?? Self.defaultTimeFormat))
        case "hostname", "name":
            if argument != nil { throw ValueProblem("{\(name)} takes no argument (in '\(template)')") }
            self = name == "name" ? .name : .hostname
        case "env":
            guard let argument, Self.isVariableName(argument) else {
                throw ValueProblem(
                    "'{\(body)}' in '\(template)' needs the name of an environment variable "
                        + "(letters, digits and _), as in {env:BACKUP_HOST}"
                )
            }
            // A key is listed by anyone who may list the bucket, and lands in reports, logs and the index: a
            // credential variable must not be spelled into one by a manifest that itself holds no secret.
            guard !SecretFieldPolicy.looksSecret(argument) else {
                throw ValueProblem(
                    "'{\(body)}' in '\(template)' names a variable that looks like a secret; secrets never go "
                        + "into object keys (anyone who may list the bucket reads them), nor into reports and logs"
                )
            }
            self = .environment(argument)
        default:
            var message = "'{\(body)}' in '\(template)' is not a placeholder"
            if afterDollar, Self.isVariableName(body) {
                message += " (ossbatch expands no shell variables: write {env:\(body)})"
            } else if let suggestion = FieldSuggestion.closest(to: name, in: Self.names) {
                message += " (did you mean {\(suggestion)\(argument.map { ":" + $0 } ?? "")}?)"
            }
            throw ValueProblem(message + "; placeholders are \(Self.summary), and {{ }} write literal braces")
        }
    }

    private static func isVariableName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy {
            $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0))
        }
    }
}
