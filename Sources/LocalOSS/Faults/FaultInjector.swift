import NIOConcurrencyHelpers

/// The fault rules in force on a server. Thread-safe; tests add rules while requests run.
public final class FaultInjector: Sendable {
    private struct Entry: Sendable {
        var rule: FaultRule
        var seen = 0
        /// Matches the rule acted on (with `passPerSecond`, those past `skip` that were not let through).
        var acted = 0
        /// With `passPerSecond`: when the current second began, and how many matches it let through.
        var second: ContinuousClock.Instant?
        var passedThisSecond = 0
    }
    private let entries = NIOLockedValueBox<[Entry]>([])
    private let openGates = NIOLockedValueBox<Set<String>>([])
    private let waiting = NIOLockedValueBox<[String: Int]>([:])

    public init() {}

    /// Adds a rule; rules apply in the order added, and one request can collect several actions.
    /// The rule must be valid (`rule.problem == nil`): the admin endpoint checks rules sent over HTTP first.
    public func add(_ rule: FaultRule) {
        precondition(rule.problem == nil, "invalid fault rule: \(rule.problem ?? "")")
        entries.withLockedValue { $0.append(Entry(rule: rule)) }
    }

    /// Removes every rule (held requests wait for their gate all the same).
    public func removeAll() { entries.withLockedValue { $0.removeAll() } }

    /// Lets the requests held by `.hold(gate:)` answer, now and from now on.
    public func open(gate: String) { _ = openGates.withLockedValue { $0.insert(gate) } }

    func isOpen(gate: String) -> Bool { openGates.withLockedValue { $0.contains(gate) } }

    /// How many requests wait at `gate` now: a test acts once its request is held there.
    public func held(at gate: String) -> Int { waiting.withLockedValue { $0[gate, default: 0] } }

    /// Waits until `gate` is open, polling: a test's gate opens once, so nothing more is needed.
    func waitUntilOpen(gate: String) async throws {
        waiting.withLockedValue { $0[gate, default: 0] += 1 }
        defer { waiting.withLockedValue { $0[gate, default: 0] -= 1 } }
        let deadline = ContinuousClock.now + .seconds(600)
        while !isOpen(gate: gate) && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
    }

    public var rules: [FaultRule] { entries.withLockedValue { $0.map(\.rule) } }

    /// The actions for one request; counts it against every matching rule.
    func actions(for operation: OSSOperation, key: String) -> [FaultAction] {
        let now = ContinuousClock.now
        return entries.withLockedValue { entries in
            var actions: [FaultAction] = []
            for i in entries.indices where entries[i].rule.matches(operation, key: key) {
                entries[i].seen += 1
                let rule = entries[i].rule
                guard entries[i].seen > rule.skip else { continue }
                if let limit = rule.passPerSecond {
                    if entries[i].second.map({ now - $0 >= .seconds(1) }) ?? true {
                        (entries[i].second, entries[i].passedThisSecond) = (now, 0)
                    }
                    if entries[i].passedThisSecond < limit {
                        entries[i].passedThisSecond += 1
                        continue
                    }
                }
                entries[i].acted += 1  // 1 for the first request the rule acts on
                if rule.count.map({ entries[i].acted <= $0 }) ?? true { actions.append(rule.action) }
            }
            return actions
        }
    }
}
