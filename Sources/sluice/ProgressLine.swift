import Foundation

/// A live progress line on a terminal (rewritten in place), or one log line per interval when not a TTY.
struct ProgressLine {
    let isTerminal = isatty(STDERR_FILENO) != 0
    private var lastPrint = ContinuousClock.now
    let interval: Duration

    init(interval: Duration = .milliseconds(500)) { self.interval = interval }

    /// Prints `text` if the interval has passed (or `force`).
    mutating func update(_ text: @autoclosure () -> String, force: Bool = false) {
        let now = ContinuousClock.now
        guard force || now - lastPrint >= (isTerminal ? interval : interval * 10) else { return }
        lastPrint = now
        let line = text()
        if isTerminal {
            FileHandle.standardError.write(Data("\r\u{1B}[2K\(line)".utf8))
        } else {
            FileHandle.standardError.write(Data("\(line)\n".utf8))
        }
    }

    /// Clears the line so other output can be printed above it.
    func clear() {
        if isTerminal { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    }

    func finish() {
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

/// Peak resident set size of this process, in bytes.
func peakRSSBytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Int(usage.ru_maxrss) * 1024
}

func formatRate(_ perSecond: Double) -> String {
    if perSecond >= 1_000_000 { return String(format: "%.2fM", perSecond / 1_000_000) }
    if perSecond >= 1_000 { return String(format: "%.1fk", perSecond / 1_000) }
    return String(format: "%.0f", perSecond)
}
