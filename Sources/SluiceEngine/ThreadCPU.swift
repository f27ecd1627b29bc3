import Foundation

/// Per-thread CPU seconds from /proc (diagnostics: where a run's CPU went, by thread name).
enum ThreadCPU {
    static func sample() -> [Int: (name: String, seconds: Double)] {
        var out: [Int: (String, Double)] = [:]
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        for tid in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? [] {
            guard let stat = try? String(contentsOfFile: "/proc/self/task/\(tid)/stat", encoding: .utf8),
                  let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { continue }
            let name = String(stat[stat.index(after: open)..<close])
            let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            guard fields.count > 13, let u = Double(fields[11]), let s = Double(fields[12]), let id = Int(tid) else { continue }
            out[id] = (name, (u + s) / ticks)
        }
        return out
    }

    static func difference(_ end: [Int: (name: String, seconds: Double)], _ start: [Int: (name: String, seconds: Double)]) -> String {
        var byName: [String: Double] = [:]
        for (tid, e) in end { byName[e.name, default: 0] += e.seconds - (start[tid]?.seconds ?? 0) }
        return byName.filter { $0.value >= 0.01 }.sorted { $0.value > $1.value }
            .map { "\($0.key) \(String(format: "%.2f", $0.value))s" }.joined(separator: ", ")
    }

    /// System-wide CPU ticks from /proc/stat: (busy, idle, steal).
    static func system() -> (busy: Double, idle: Double, steal: Double) {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = text.split(separator: "\n").first else { return (0, 0, 0) }
        let v = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard v.count >= 8 else { return (0, 0, 0) }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return ((v[0] + v[1] + v[2] + v[5] + v[6]) / ticks, (v[3] + v[4]) / ticks, v[7] / ticks)
    }
}
