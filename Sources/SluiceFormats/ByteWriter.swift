/// Appending primitives shared by the encoders; all write into a caller-owned `[UInt8]`.
enum ByteWriter {
    /// Decimal digits of `value`, without an intermediate String.
    @inline(__always)
    static func appendInt(_ value: Int64, to out: inout [UInt8]) {
        if value >= 0 && value < 10 {
            out.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var magnitude = value.magnitude
        if value < 0 { out.append(UInt8(ascii: "-")) }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var n = 0
            while magnitude > 0 {
                digits[19 - n] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                n += 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[(20 - n)...]))
        }
    }

    /// Shortest representation that reads back as the same `Double` (Swift's `description`).
    /// Only call with finite values. Most results are ≤ 15 bytes, so the String stays inline.
    static func appendDouble(_ value: Double, to out: inout [UInt8]) {
        if appendShortDecimal(value, to: &out) { return }
        // What `description` writes, straight into `out`: `write(to:)` hands its digits to `_writeASCII`, so no
        // String is made (17 digits do not fit a small string: that would be an allocation per value).
        var sink = ASCIISink()
        swap(&sink.bytes, &out)
        value.write(to: &sink)
        swap(&sink.bytes, &out)
    }

    private struct ASCIISink: TextOutputStream {
        var bytes: [UInt8] = []
        mutating func write(_ text: String) { bytes.append(contentsOf: text.utf8) }
        mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: buffer) }
    }

    private static let powersOfTen: [Double] = [1, 10, 100, 1e3, 1e4, 1e5, 1e6]

    /// The common case without the general algorithm: a value in [0.001, 1e15) that is exactly some integer
    /// over 10^k for k ≤ 6 (prices, distances, rates) is written as that decimal, with the fewest decimals
    /// that read back as the same Double — what `description` writes too. Anything else returns false.
    @inline(__always)
    private static func appendShortDecimal(_ value: Double, to out: inout [UInt8]) -> Bool {
        let magnitude = value.magnitude
        guard magnitude >= 0.001, magnitude < 1e15 else { return false }
        // A value that is no 6-decimal number is no shorter one either: one test instead of seven for computed
        // values (means, logarithms). Were it ever wrong, the general algorithm would write the same text.
        if magnitude < 1e9, (magnitude * 1e6).rounded() / 1e6 != magnitude { return false }
        for k in 0..<powersOfTen.count {
            let scale = powersOfTen[k]
            let scaled = (magnitude * scale).rounded()
            // Few enough significant digits that exactly one k-decimal lies within the value's rounding interval.
            guard scaled < 1e15 else { return false }
            guard scaled / scale == magnitude else { continue }
            let digits = UInt64(scaled)
            let unit = UInt64(scale)
            if value < 0 { out.append(UInt8(ascii: "-")) }
            appendInt(Int64(digits / unit), to: &out)
            out.append(UInt8(ascii: "."))
            if k == 0 {
                out.append(UInt8(ascii: "0"))
                return true
            }
            var fraction = digits % unit
            var width = k
            while fraction % 10 == 0 && width > 1 {  // k is the fewest decimals, so this only trims nothing
                fraction /= 10
                width -= 1
            }
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 8) { buffer in
                for w in stride(from: width - 1, through: 0, by: -1) {
                    buffer[w] = UInt8(ascii: "0") + UInt8(fraction % 10)
                    fraction /= 10
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[0..<width]))
            }
            return true
        }
        return false
    }

    @inline(__always)
    static func appendString(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { out.append(contentsOf: $0) }
    }
}
