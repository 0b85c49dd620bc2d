/// Small-group protection for breakdowns: a group with fewer than `minimum` responses is
/// withheld, and where that leaves exactly one group withheld, the next smallest is withheld
/// too, so that no hidden count can be worked out from the total and the other groups.
public enum SmallGroups {
    /// The indices of `counts` to withhold.
    public static func withheld(_ counts: [Int], minimum: Int) -> Set<Int> {
        var hidden = Set(counts.indices.filter { counts[$0] < minimum })
        if hidden.count == 1, counts.count > 1 {
            let next = counts.indices.filter { !hidden.contains($0) }.min { counts[$0] < counts[$1] || (counts[$0] == counts[$1] && $0 < $1) }
            if let next { hidden.insert(next) }
        }
        return hidden
    }
}
