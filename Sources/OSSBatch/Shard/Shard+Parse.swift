extension Shard {
    /// The variables `--shard auto` reads, in the order it tries them (the first engine whose index is set
    /// wins). Kubernetes does not tell a pod its Job's completions: give them as `auto/N` or in
    /// `OSSBATCH_SHARD_COUNT`; AWS Batch sets only the index likewise.
    package enum Variable {
        package static let kubernetesIndex = "JOB_COMPLETION_INDEX"
        package static let slurmTaskID = "SLURM_ARRAY_TASK_ID"
        package static let slurmTaskMin = "SLURM_ARRAY_TASK_MIN"
        package static let slurmTaskStep = "SLURM_ARRAY_TASK_STEP"
        package static let slurmTaskCount = "SLURM_ARRAY_TASK_COUNT"
        package static let awsBatchIndex = "AWS_BATCH_JOB_ARRAY_INDEX"
        package static let awsBatchSize = "AWS_BATCH_JOB_ARRAY_SIZE"
        package static let count = "OSSBATCH_SHARD_COUNT"
    }

    /// Parses `--shard`: `K/N` (0-based K), `auto` (index and count from the job engine's environment), or
    /// `auto/N` (index from the environment, N given; an engine that also says its count must agree).
    package static func parse(_ text: String, environment: [String: String]) throws(ShardError) -> Shard {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2, let first = parts.first else { throw usage(text) }
        let given = parts.count == 2 ? try count(parts[1], in: text) : nil
        if first == "auto" { return try fromEnvironment(environment, count: given) }
        guard let given else { throw usage(text) }
        guard let index = canonical(first) else { throw usage(text) }
        guard let shard = Shard(index: index, count: given) else {
            throw ShardError("--shard '\(text)': K must be 0 to \(given - 1) (shards are numbered from 0)")
        }
        return shard
    }

    /// `text` as a number written the one way `shard-K-of-N` names write it (no sign, no leading zero):
    /// `01/2` or `+1/2` taken as 1/2 would run a shard under a name the user did not give.
    private static func canonical(_ text: String) -> Int? {
        guard let n = Int(text), String(n) == text else { return nil }
        return n
    }

    private static func usage(_ text: String) -> ShardError {
        ShardError("--shard '\(text)' is not a shard; expected K/N (K from 0 to N-1), auto or auto/N")
    }

    private static func count(_ text: String, in option: String) throws(ShardError) -> Int {
        guard let n = canonical(text), n >= 1, n <= maximumCount else {
            throw ShardError("--shard '\(option)': N must be a whole number from 1 to \(maximumCount)")
        }
        return n
    }

    private static func fromEnvironment(_ env: [String: String], count given: Int?) throws(ShardError) -> Shard {
        // No engine numbers tasks or counts below zero; refused here, a hostile value (`Int.min`) cannot
        // overflow the rank's arithmetic below (a trap, not an error: exit 132 and no report).
        func number(_ name: String) throws(ShardError) -> Int? {
            guard let text = env[name], !text.isEmpty else { return nil }
            guard let n = Int(text), n >= 0, text.allSatisfy(\.isASCII) else {
                throw ShardError("\(name)=\(text) is not a whole number from 0")
            }
            return n
        }
        let engine: String
        let index: Int
        var counted: (name: String, value: Int)?
        if let k = try number(Variable.kubernetesIndex) {
            (engine, index) = (Variable.kubernetesIndex, k)
        } else if let id = try number(Variable.slurmTaskID) {
            // `--array=1-8` numbers tasks from 1, `--array=0-14:2` in steps: shards are the tasks' ranks.
            let low = try number(Variable.slurmTaskMin) ?? 0
            let step = max(1, try number(Variable.slurmTaskStep) ?? 1)
            guard id >= low, (id - low) % step == 0 else {
                throw ShardError(
                    "\(Variable.slurmTaskID)=\(id) is not MIN + a multiple of STEP (\(low), \(step)): use --shard K/N"
                )
            }
            (engine, index) = (Variable.slurmTaskID, (id - low) / step)
            if let n = try number(Variable.slurmTaskCount) { counted = (Variable.slurmTaskCount, n) }
        } else if let k = try number(Variable.awsBatchIndex) {
            (engine, index) = (Variable.awsBatchIndex, k)
            if let n = try number(Variable.awsBatchSize) { counted = (Variable.awsBatchSize, n) }
        } else {
            throw ShardError(
                "--shard auto: none of \(Variable.kubernetesIndex), \(Variable.slurmTaskID) or \(Variable.awsBatchIndex) is set; use --shard K/N"
            )
        }
        if let n = try number(Variable.count) {
            if let counted, counted.value != n {
                throw ShardError("\(Variable.count)=\(n) but \(counted.name)=\(counted.value)")
            }
            counted = counted ?? (Variable.count, n)
        }
        if let given, let counted, counted.value != given {
            throw ShardError("--shard auto/\(given) but \(counted.name)=\(counted.value)")
        }
        guard let n = given ?? counted?.value else {
            throw ShardError(
                "--shard auto: \(engine) gives the index but nothing gives the number of shards: use --shard auto/N or set \(Variable.count)"
            )
        }
        guard n >= 1, n <= maximumCount else {
            throw ShardError("--shard auto: \(n) shards; the number of shards must be from 1 to \(maximumCount)")
        }
        guard let shard = Shard(index: index, count: n) else {
            throw ShardError("\(engine) gives shard \(index), outside 0 to \(n - 1) for \(n) shards")
        }
        return shard
    }
}
