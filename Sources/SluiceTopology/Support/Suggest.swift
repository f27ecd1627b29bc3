/// "Did you mean" suggestions by edit distance.
enum Suggest {
    /// Levenshtein distance over Unicode scalars (names are short, so the O(n·m) table is fine).
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }

    /// The candidate closest to `word`, if it is close enough to be a plausible typo.
    static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
        let limit = max(1, min(3, word.count / 3 + 1))
        var best: (String, Int)?
        for candidate in candidates {
            let d = distance(word.lowercased(), candidate.lowercased())
            if d <= limit, best == nil || d < best!.1 { best = (candidate, d) }
        }
        return best?.0
    }

    /// `did you mean 'x'?` or, with no close candidate, the list of what is allowed.
    static func hint(for word: String, in candidates: [String], listIfNone: Bool = true) -> String? {
        if let match = closest(to: word, in: candidates) { return "did you mean '\(match)'?" }
        guard listIfNone, !candidates.isEmpty else { return nil }
        return "expected one of: " + candidates.joined(separator: ", ")
    }
}
