import Yams

/// Aliases (`*name`) make a short manifest stand for a huge one: each copies its anchored value, and copies
/// of copies multiply. The size limit bounds what is written, this bounds what aliases add, before the
/// manifest is read any further.
///
/// Yams resolves an alias to the anchored node itself, position included, so a mapping or list met again at
/// a position already seen is a copy: its size, counted once, is added without walking it again.
enum AliasExpansion {
    /// The most values (scalars, mappings, lists) aliases may add. Sharing some metadata or patterns among
    /// thousands of entries stays far below it.
    static let maximumAddedValues = 1_000_000

    /// A diagnostic at the anchored value whose copies pass the limit, or `nil` when the manifest is within it.
    static func problem(in root: Node, file: String) -> Diagnostic? {
        var sizes: [Place: Int] = [:]
        var added = 0
        var stack = [Frame(root)]
        // Depth-first and post-order with an explicit stack: a container's size is known once its last child is.
        while let last = stack.indices.last {
            guard stack[last].next < stack[last].children.count else {
                let done = stack.removeLast()
                if let place = done.place { sizes[place] = done.size }
                guard let parent = stack.indices.last else { return nil }
                stack[parent].size += done.size
                continue
            }
            let child = stack[last].children[stack[last].next]
            stack[last].next += 1
            switch child {
            case .mapping, .sequence:
                guard let place = Place(child), let known = sizes[place] else {
                    stack.append(Frame(child))
                    continue
                }
                stack[last].size += known
                added += known
                if added > maximumAddedValues {
                    return Diagnostic(
                        SourceMark(file: file, line: child.mark?.line, column: child.mark?.column),
                        "aliases repeat this value until the manifest grows by more than "
                            + "\(maximumAddedValues) values; write the repeated parts out, or repeat less"
                    )
                }
            case .scalar, .alias:
                stack[last].size += 1
            }
        }
        return nil
    }

    /// Where a mapping or list starts. Two written containers never start at the same place with the same
    /// kind (a block mapping shares its place with its first key, a scalar), so a repeat is an alias's copy.
    private struct Place: Hashable {
        var line: Int
        var column: Int
        var isMapping: Bool

        init?(_ node: Node) {
            guard let mark = node.mark else { return nil }
            switch node {
            case .mapping: isMapping = true
            case .sequence: isMapping = false
            case .scalar, .alias: return nil
            }
            line = mark.line
            column = mark.column
        }
    }

    private struct Frame {
        var children: [Node]
        var place: Place?
        var next = 0
        var size = 1

        init(_ node: Node) {
            switch node {
            case .mapping(let mapping): children = mapping.flatMap { [$0.key, $0.value] }
            case .sequence(let sequence): children = Array(sequence)
            case .scalar, .alias: children = []
            }
            place = Place(node)
        }
    }
}
