import SluiceCore

/// Collects diagnostics during one compilation (single-threaded, lives only inside `compile`).
final class Reporter {
    private(set) var diagnostics: [Diagnostic] = []

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    func add(_ d: Diagnostic) { diagnostics.append(d) }

    func error(_ code: String, at location: SourceLocation, _ message: String, hint: String? = nil) {
        diagnostics.append(Diagnostic(.error, code, at: location, message, hint: hint))
    }

    func warning(_ code: String, at location: SourceLocation, _ message: String, hint: String? = nil) {
        diagnostics.append(Diagnostic(.warning, code, at: location, message, hint: hint))
    }

    func note(_ code: String, at location: SourceLocation, _ message: String, hint: String? = nil) {
        diagnostics.append(Diagnostic(.note, code, at: location, message, hint: hint))
    }

    /// Diagnostics in file order (stable for equal positions), duplicates removed.
    func sorted() -> [Diagnostic] {
        var seen = Set<Diagnostic>()
        let unique = diagnostics.filter { seen.insert($0).inserted }
        return unique.enumerated().sorted { a, b in
            let (x, y) = (a.element.location, b.element.location)
            if x.line != y.line { return x.line < y.line }
            if x.column != y.column { return x.column < y.column }
            return a.offset < b.offset
        }.map(\.element)
    }
}
