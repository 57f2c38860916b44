import Testing

@testable import OSSBatch

@Suite struct ShardParsingTests {
    @Test func anExplicitShardIsZeroBased() throws {
        #expect(try Shard.parse("0/4", environment: [:]) == Shard(index: 0, count: 4))
        #expect(try Shard.parse("3/4", environment: [:]) == Shard(index: 3, count: 4))
        #expect(try Shard.parse("0/1", environment: [:]) == Shard(index: 0, count: 1))
    }

    @Test(arguments: [
        "4/4", "-1/4", "1/0", "1", "a/b", "1/4/2", "", "/4", "1/", "auto/0", "١/٤", "01/2", "+1/2", "1/02", "1/+2",
        "00/1",
    ])
    func aMalformedShardIsRefused(text: String) {
        #expect(throws: ShardError.self) { try Shard.parse(text, environment: [:]) }
    }

    @Test func kubernetesGivesTheIndexAndTheCountComesFromTheOptionOrAVariable() throws {
        let env = ["JOB_COMPLETION_INDEX": "2"]
        #expect(try Shard.parse("auto/5", environment: env) == Shard(index: 2, count: 5))
        #expect(
            try Shard.parse("auto", environment: env.merging(["OSSBATCH_SHARD_COUNT": "3"]) { a, _ in a })
                == Shard(index: 2, count: 3)
        )
        let missing = #expect(throws: ShardError.self) { try Shard.parse("auto", environment: env) }
        #expect(missing?.description.contains("OSSBATCH_SHARD_COUNT") == true)
        #expect(throws: ShardError.self) { try Shard.parse("auto/2", environment: env) }
    }

    @Test func slurmTasksAreRankedFromTheArraysFirstIDInItsSteps() throws {
        let base = ["SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "8"]
        #expect(try Shard.parse("auto", environment: base) == Shard(index: 6, count: 8))
        let stepped = [
            "SLURM_ARRAY_TASK_ID": "8", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_STEP": "4",
            "SLURM_ARRAY_TASK_COUNT": "4",
        ]
        #expect(try Shard.parse("auto", environment: stepped) == Shard(index: 2, count: 4))
        #expect(throws: ShardError.self) {
            try Shard.parse("auto", environment: stepped.merging(["SLURM_ARRAY_TASK_ID": "9"]) { _, b in b })
        }
        // The option and the engine disagree on N: refused, not guessed.
        let disagree = #expect(throws: ShardError.self) { try Shard.parse("auto/4", environment: base) }
        #expect(disagree?.description.contains("SLURM_ARRAY_TASK_COUNT=8") == true)
    }

    @Test func awsBatchGivesTheIndexAndTheSizeWhenTheJobDefinitionSetsIt() throws {
        #expect(
            try Shard.parse("auto", environment: ["AWS_BATCH_JOB_ARRAY_INDEX": "0", "AWS_BATCH_JOB_ARRAY_SIZE": "2"])
                == Shard(index: 0, count: 2)
        )
        #expect(try Shard.parse("auto/3", environment: ["AWS_BATCH_JOB_ARRAY_INDEX": "2"]) == Shard(index: 2, count: 3))
        #expect(throws: ShardError.self) {
            try Shard.parse("auto/3", environment: ["AWS_BATCH_JOB_ARRAY_INDEX": "3"])
        }
    }

    @Test func autoWithoutAnEngineOrWithANonNumberIsRefused() {
        #expect(throws: ShardError.self) { try Shard.parse("auto", environment: [:]) }
        #expect(throws: ShardError.self) { try Shard.parse("auto/2", environment: ["JOB_COMPLETION_INDEX": "x"]) }
    }

    /// A hostile or broken environment is an error, never a trap: `Int.min` as the array's first ID made the
    /// rank's subtraction overflow, and as the count the message's `n - 1` did (the process died, exit 132).
    @Test(arguments: [
        ["SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_MIN": "-9223372036854775808", "SLURM_ARRAY_TASK_COUNT": "8"],
        ["SLURM_ARRAY_TASK_ID": "9223372036854775807", "SLURM_ARRAY_TASK_MIN": "-1", "SLURM_ARRAY_TASK_COUNT": "8"],
        ["SLURM_ARRAY_TASK_ID": "-3", "SLURM_ARRAY_TASK_COUNT": "8"],
        ["JOB_COMPLETION_INDEX": "0", "OSSBATCH_SHARD_COUNT": "-9223372036854775808"],
        ["AWS_BATCH_JOB_ARRAY_INDEX": "0", "AWS_BATCH_JOB_ARRAY_SIZE": "0"],
        ["AWS_BATCH_JOB_ARRAY_INDEX": "-1", "AWS_BATCH_JOB_ARRAY_SIZE": "2"],
    ])
    func negativeOrOverflowingEngineNumbersAreRefused(environment: [String: String]) {
        #expect(throws: ShardError.self) { try Shard.parse("auto", environment: environment) }
    }

    @Test func shardFileNamesCarryKAndN() {
        let shard = Shard(index: 2, count: 8)!
        #expect(shard.reportPath(for: "/r/report.json") == "/r/report.shard-2-of-8.json")
        #expect(shard.reportPath(for: "/r/report") == "/r/report.shard-2-of-8")
        #expect(shard.checkpointDirectory(in: "/cp") == "/cp/shard-2-of-8")
    }
}
