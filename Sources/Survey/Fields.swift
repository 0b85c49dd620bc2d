/// The entries of one YAML mapping, taken by name; what is left over is reported as unknown.
struct Fields {
    let entries: [YAMLEntry]
    let mark: Mark
    private(set) var used: Set<String> = []

    init(_ entries: [YAMLEntry], mark: Mark) {
        self.entries = entries
        self.mark = mark
    }

    mutating func take(_ key: String) -> YAMLEntry? {
        used.insert(key)
        return entries.first { $0.key.value == key }
    }

    /// The entries nobody asked for.
    var unknown: [YAMLEntry] { entries.filter { !used.contains($0.key.value) } }
}

/// The allowed word closest to `word`, if it is a likely typo (edit distance at most 2).
func closest(to word: String, in candidates: [String]) -> String? {
    func distance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, ca) in a.enumerated() {
            var current = [i + 1]
            for (j, cb) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
    let scored = candidates.map { ($0, distance(Array(word.lowercased()), Array($0))) }.min { $0.1 < $1.1 }
    guard let best = scored, best.1 <= 2, best.1 < word.count else { return nil }
    return best.0
}
