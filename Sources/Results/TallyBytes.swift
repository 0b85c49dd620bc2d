/// A survey's tallies as bytes, to keep them between runs (`ResultsTally+Kept`): integers as
/// 8 bytes little-endian, each list led by its length; numbers (kept sorted) as runs of equal
/// values; free texts in their sorted order, each led by its length. Reading checks every
/// length against the questions it is read for and against the bytes there are, so bytes that
/// do not fit are refused (`TallyBytes.Unreadable`) and the caller counts afresh.
enum TallyBytes {
    static let version = 1

    struct Unreadable: Error {}

    static func encode(overall: Tallies, groups: [String: Tallies]) -> [UInt8] {
        var writer = Writer()
        writer.int(version)
        writer.tallies(overall)
        writer.int(groups.count)
        for name in groups.keys.sorted() {
            writer.text(Array(name.utf8))
            writer.tallies(groups[name]!)
        }
        return writer.bytes
    }

    /// The tallies in `raw`, for the questions of `plan`, of at most `responses` responses (the
    /// survey's stored count): no count may exceed that, nor a group's the whole, so bytes
    /// written by anyone cannot ask for more memory than a count of the rows takes, nor make
    /// a sum overflow.
    static func decode(_ raw: UnsafeRawBufferPointer, _ plan: TallyPlan, responses: Int) throws -> (overall: Tallies, groups: [String: Tallies]) {
        var reader = Reader(raw: raw)
        guard try reader.int() == version else { throw Unreadable() }
        let overall = try reader.tallies(plan, atMost: responses)
        var groups: [String: Tallies] = [:]
        var grouped = 0
        for _ in 0..<(try reader.count(atLeast: 8)) {
            let name = String(decoding: try reader.text(), as: UTF8.self)
            let group = try reader.tallies(plan, atMost: overall.responses - grouped)
            grouped += group.responses
            groups[name] = group
        }
        guard reader.p == raw.count else { throw Unreadable() }
        return (overall, groups)
    }

    struct Writer {
        var bytes: [UInt8] = []

        mutating func int(_ value: Int) {
            withUnsafeBytes(of: Int64(value).littleEndian) { bytes.append(contentsOf: $0) }
        }

        mutating func ints(_ values: [Int]) {
            int(values.count)
            for value in values { int(value) }
        }

        mutating func text(_ text: UnsafeBufferPointer<UInt8>) {
            int(text.count)
            bytes.append(contentsOf: text)
        }

        mutating func text(_ text: [UInt8]) { text.withUnsafeBufferPointer { self.text($0) } }

        mutating func tallies(_ tallies: Tallies) {
            int(tallies.responses)
            int(tallies.questions.count)
            for q in tallies.questions { question(q) }
        }

        mutating func question(_ q: QuestionTally) {
            int(q.answered)
            int(q.skipped)
            int(q.notShown)
            ints(q.counts)
            numbers(q.numbers)
            int(q.texts.count)
            q.texts.bytes.withUnsafeBufferPointer { b in
                for span in q.texts.spans { text(UnsafeBufferPointer(rebasing: b[span.start..<span.start + Int(span.count)])) }
            }
            ints(q.rowAnswered)
            int(q.rowCounts.count)
            for row in q.rowCounts { ints(row) }
            ints(q.rankSums)
            ints(q.ranked)
            ints(q.first)
        }

        /// Runs of equal values: a scale's million answers are a few runs.
        mutating func numbers(_ values: [Double]) {
            var runs: [(value: Double, count: Int)] = []
            for value in values {
                if let last = runs.last, last.value.bitPattern == value.bitPattern { runs[runs.count - 1].count += 1 } else { runs.append((value, 1)) }
            }
            int(runs.count)
            for run in runs {
                int(Int(bitPattern: UInt(run.value.bitPattern)))
                int(run.count)
            }
        }
    }

    struct Reader {
        let raw: UnsafeRawBufferPointer
        var p = 0

        mutating func int() throws -> Int {
            guard raw.count - p >= 8 else { throw Unreadable() }
            defer { p += 8 }
            return Int(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: p, as: Int64.self)))
        }

        /// A count of things that take at least `size` bytes each: never more than the bytes left.
        mutating func count(atLeast size: Int) throws -> Int {
            let n = try int()
            guard n >= 0, n <= (raw.count - p) / size else { throw Unreadable() }
            return n
        }

        /// `expected` integers, each from 0 to `limit`.
        mutating func ints(_ expected: Int, atMost limit: Int) throws -> [Int] {
            guard try int() == expected, raw.count - p >= expected * 8 else { throw Unreadable() }
            return try (0..<expected).map { _ in try number(atMost: limit) }
        }

        mutating func number(atMost limit: Int) throws -> Int {
            let n = try int()
            guard n >= 0, n <= limit else { throw Unreadable() }
            return n
        }

        mutating func text() throws -> UnsafeRawBufferPointer {
            let n = try count(atLeast: 1)
            defer { p += n }
            return UnsafeRawBufferPointer(rebasing: raw[p..<p + n])
        }

        mutating func tallies(_ plan: TallyPlan, atMost limit: Int) throws -> Tallies {
            var tallies = Tallies(plan)
            tallies.responses = try number(atMost: limit)
            guard try int() == plan.entries.count else { throw Unreadable() }
            for i in plan.entries.indices { try question(&tallies.questions[i], of: tallies.responses) }
            return tallies
        }

        /// Reads into `q`, made for its question: every list must have the length it has there,
        /// and every count lie between 0 and `responses` (a ranking's sum of places up to
        /// `responses` times its options).
        mutating func question(_ q: inout QuestionTally, of responses: Int) throws {
            q.answered = try number(atMost: responses)
            q.skipped = try number(atMost: responses)
            q.notShown = try number(atMost: responses)
            q.counts = try ints(q.counts.count, atMost: responses)
            let runs = try count(atLeast: 16)
            for _ in 0..<runs {
                let value = Double(bitPattern: UInt64(UInt(bitPattern: try int())))
                let n = try int()
                // One number per answer at most: a run cannot ask for more memory than that.
                guard n > 0, n <= q.answered - q.numbers.count else { throw Unreadable() }
                q.numbers.append(contentsOf: repeatElement(value, count: n))
            }
            for _ in 0..<(try count(atLeast: 8)) {
                try text().withMemoryRebound(to: UInt8.self) { q.texts.append($0) }
            }
            q.rowAnswered = try ints(q.rowAnswered.count, atMost: responses)
            guard try int() == q.rowCounts.count else { throw Unreadable() }
            for r in q.rowCounts.indices { q.rowCounts[r] = try ints(q.rowCounts[r].count, atMost: responses) }
            q.rankSums = try ints(q.rankSums.count, atMost: responses * q.rankSums.count)
            q.ranked = try ints(q.ranked.count, atMost: responses)
            q.first = try ints(q.first.count, atMost: responses)
        }
    }
}
