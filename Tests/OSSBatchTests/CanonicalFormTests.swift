import Digests
import Foundation
import OSSProtocol
import Testing

@testable import OSSBatch

/// The plan ID hashes each job's canonical form; it is written without building strings, and must stay the
/// bytes it was when it was made of them (a plan ID in a report must not change across versions).
@Suite struct CanonicalFormTests {
    @Test(arguments: [
        Int64(0), 1, 9, 10, 99, 100, 1_796_263_127_823_389_941, -1, -10, Int64.max, Int64.min,
    ])
    func decimalDigitsAreTheBytesOfTheNumbersText(n: Int64) {
        var bytes: [UInt8] = [7]
        DecimalDigits.append(n, to: &bytes)
        #expect(bytes == [7] + Array(String(n).utf8))
        var unsigned: [UInt8] = []
        DecimalDigits.append(UInt64(bitPattern: n), to: &unsigned)
        #expect(unsigned == Array(String(UInt64(bitPattern: n)).utf8))
        // Narrower and wider types write what `String` writes too (the encoder takes any integer).
        var narrow: [UInt8] = []
        DecimalDigits.append(Int32(truncatingIfNeeded: n), to: &narrow)
        #expect(narrow == Array(String(Int32(truncatingIfNeeded: n)).utf8))
        var wide: [UInt8] = []
        DecimalDigits.append(Int128(n) * 1_000_000_000_000, to: &wide)
        #expect(wide == Array(String(Int128(n) * 1_000_000_000_000).utf8))
    }

    @Test func decimalDigitsAreRightAtEveryNumberOfDigitsOddOrEven() {
        // Digits are made two a division: every length, each power of ten and its neighbours, both signs.
        var numbers: [Int64] = Array(-1_000...1_000)
        var power: Int64 = 1
        for _ in 0..<19 {
            numbers += [power - 1, power, power + 1, -power + 1, -power, -power - 1]
            if power <= Int64.max / 10 { power *= 10 }
        }
        for n in numbers {
            var bytes: [UInt8] = []
            DecimalDigits.append(n, to: &bytes)
            #expect(bytes == Array(String(n).utf8), "\(n)")
        }
        var largest: [UInt8] = []
        DecimalDigits.append(UInt64.max, to: &largest)
        #expect(largest == Array("18446744073709551615".utf8) && largest.count == DecimalDigits.longest)
        var smallest: [UInt8] = []
        DecimalDigits.append(Int64.min, to: &smallest)
        #expect(smallest.count == DecimalDigits.longest)
    }

    @Test func aJobsCanonicalFormIsItsFieldsAsTextEachEndedByNUL() {
        let options = ObjectOptions(contentType: "text/plain", metadata: ["b": "2", "a": "1"], tags: ["t": "v"])
        let jobs = [
            UploadJob(
                source: "/data/é 中/a.txt",
                key: "backup/é 中/a.txt",
                identity: SourceIdentity(size: 0, mtimeNanoseconds: -5, inode: UInt64.max, device: 0),
                options: options,
                method: .put
            ),
            UploadJob(
                source: "/top",
                key: "k",
                identity: SourceIdentity(
                    size: 1 << 40,
                    mtimeNanoseconds: 1_796_263_127_823_389_941,
                    inode: 16_452_329,
                    device: 65_024
                ),
                options: ObjectOptions(),
                method: .multipart(PartPlan(partSize: 8 << 20, partCount: 131_072))
            ),
        ]
        for job in jobs {
            var bytes: [UInt8] = []
            job.appendCanonicalForm(to: &bytes)
            // The form as it was first written: every value as its Swift text.
            var expected: [String] = [
                job.key, job.source, String(job.identity.size), String(job.identity.mtimeNanoseconds),
                String(job.identity.inode), String(job.identity.device),
            ]
            if case .multipart(let plan) = job.method {
                expected += ["multipart", String(plan.partSize), String(plan.partCount)]
            } else {
                expected += ["put"]
            }
            var options: [UInt8] = []
            job.options.appendCanonicalForm(to: &options)
            #expect(bytes == Array(expected.map { $0 + "\0" }.joined().utf8) + options + [0x0A])
        }
    }

    @Test(arguments: [(0, 0), (3, 0), (12_000, 0), (0, 12_000), (12_000, 12_000), (10, 3)])
    func aPlanIDIsTheHashOfItsCanonicalFormsInMebibyteChunks(jobs: Int, skipped: Int) {
        var plan = ReportStoreTests.plan(jobs: jobs + skipped, dir: "/data/a-directory-name-long-enough-to-matter")
        let all = Array(plan.jobs)
        plan.jobs = JobList(Array(all.prefix(jobs)))
        plan.skipped = all.suffix(skipped).enumerated().map { i, job in
            i % 2 == 0
                ? ReportJob(skipped: job, reason: .unchanged, etag: "\"9DD4E461268C8034F5C8564E155C67A6\"", crc64: 7)
                : ReportJob(skipped: job, reason: .unreadable)
        }
        // The definition, written out plainly: jobs' forms in chunks cut once they reach 1 MiB, each chunk's
        // digest (the last chunk's too, whatever its length); then, when files were skipped, the digest of
        // the digests of their forms 4,096 files at a time; the digest of the digests.
        var digests: [UInt8] = []
        var chunk: [UInt8] = []
        for job in plan.jobs {
            job.appendCanonicalForm(to: &chunk)
            if chunk.count >= 1 << 20 {
                digests += SHA256.hash(chunk)
                chunk = []
            }
        }
        if !plan.skipped.isEmpty {
            if !chunk.isEmpty { digests += SHA256.hash(chunk) }
            chunk = []
            var groups: [UInt8] = []
            for (i, item) in plan.skipped.enumerated() {
                chunk += Array("skipped:\(item.skipReason?.rawValue ?? "")".utf8) + [0]
                item.spec.appendCanonicalForm(to: &chunk)
                if i % 4_096 == 4_095 || i == plan.skipped.count - 1 {
                    groups += SHA256.hash(chunk)
                    chunk = []
                }
            }
            digests += SHA256.hash(groups)
        }
        if !chunk.isEmpty || digests.isEmpty { digests += SHA256.hash(chunk) }
        #expect(plan.planID == SHA256.hash(digests).hexString)
    }
}
