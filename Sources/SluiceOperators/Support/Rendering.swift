import SluiceCore

/// How values and limits appear in dead-letter messages: short, JSON-like, integral bounds without `.0`.
enum Rendering {
    /// `0` for 0.0, `2.5` for 2.5: bounds read as the user wrote them in the topology.
    static func number(_ d: Double) -> String {
        if d.isFinite, d.rounded() == d, abs(d) < 1e15 { return String(Int64(d)) }
        return Value.double(d).description
    }

    /// The value as JSON-like text, cut to `limit` characters so a huge field cannot bloat a header.
    static func value(_ v: Value, limit: Int = 60) -> String {
        let text = v.description
        guard text.count > limit else { return text }
        return String(text.prefix(limit)) + "…"
    }

    /// "a number", "an integer", "a string or null" — for type expectations.
    static func article(_ name: String) -> String {
        let first = name.first.map { "aeiou".contains($0) } ?? false
        return (first ? "an " : "a ") + name
    }
}
