/// A `key` or `key_prefix` as written: literal text and `{…}` placeholders, with `{{` and `}}` for literal
/// braces. Read when the manifest is decoded (syntax errors are the manifest's); resolved once per plan.
struct KeyTemplate: Sendable, Hashable {
    private enum Piece: Sendable, Hashable {
        case literal(String)
        case placeholder(Placeholder)
    }

    private let pieces: [Piece]

    init(parsing text: String) throws(ValueProblem) {
        var pieces: [Piece] = []
        var literal = ""
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            let next = text.index(after: i)
            let doubled = next < text.endIndex && text[next] == c
            switch c {
            case "{" where doubled, "}" where doubled:
                literal.append(c)
                i = text.index(after: next)
            case "{":
                guard let close = text[next...].firstIndex(where: { $0 == "}" || $0 == "{" }), text[close] == "}" else {
                    throw ValueProblem("'\(text)' has a '{' without its '}'; write {{ for a literal brace")
                }
                let placeholder = try Placeholder(
                    parsing: String(text[next..<close]),
                    in: text,
                    afterDollar: literal.hasSuffix("$")
                )
                if !literal.isEmpty { pieces.append(.literal(literal)) }
                literal = ""
                pieces.append(.placeholder(placeholder))
                i = text.index(after: close)
            case "}":
                throw ValueProblem("'\(text)' has a '}' without its '{'; write }} for a literal brace")
            default:
                literal.append(c)
                i = next
            }
        }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        self.pieces = pieces
    }

    /// Whether a time placeholder (`{date}`, `{time}`) is in it: each night's keys differ from there on.
    var holdsTime: Bool {
        pieces.contains {
            if case .placeholder(.time) = $0 { return true }
            return false
        }
    }

    var hasPlaceholders: Bool {
        pieces.contains {
            if case .placeholder = $0 { return true }
            return false
        }
    }

    /// True when the text holds `{date}` or `{time}`: the keys it makes depend on the moment.
    var hasTimePlaceholders: Bool {
        pieces.contains {
            if case .placeholder(.time) = $0 { return true }
            return false
        }
    }

    /// The text with every placeholder replaced; an unset or empty `{env:NAME}` is an error. With
    /// `stoppingAtTime`, only the text before the first time placeholder (`{date}`, `{time}`): what the keys it
    /// makes on every night start with, as far as the other placeholders resolve then as now (`index prune`).
    func resolve(_ context: PlaceholderContext, stoppingAtTime: Bool = false) throws(ValueProblem) -> String {
        var out = ""
        for piece in pieces {
            switch piece {
            case .literal(let text): out += text
            case .placeholder(.time(let format)):
                if stoppingAtTime { return out }
                out += format.format(context.time)
            case .placeholder(.name): out += context.name
            case .placeholder(.hostname):
                guard let hostname = context.hostname, !hostname.isEmpty else {
                    throw ValueProblem("{hostname}: cannot read this machine's host name")
                }
                out += hostname
            case .placeholder(.environment(let variable)):
                guard let value = context.environment[variable] else {
                    throw ValueProblem("{env:\(variable)}: the environment variable \(variable) is not set")
                }
                guard !value.isEmpty else {
                    throw ValueProblem("{env:\(variable)}: the environment variable \(variable) is empty")
                }
                out += value
            }
        }
        return out
    }
}
