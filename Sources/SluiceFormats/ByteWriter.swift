/// Writing primitives shared by the encoders: appending to a caller-owned `[UInt8]`, or writing at a pointer with
/// room for the most a value can take (to assemble several pieces before one append).
enum ByteWriter {
    /// The most bytes `writeInt` writes.
    static let maxIntBytes = 20
    /// The most bytes `writeDouble` writes (Swift's shortest form of a finite Double has at most 24).
    static let maxDoubleBytes = 32

    /// Decimal digits of `value`, without an intermediate String.
    @inline(__always)
    static func appendInt(_ value: Int64, to out: inout [UInt8]) {
        if value >= 0 && value < 10 {
            out.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxIntBytes) { digits in
            let n = writeInt(value, to: digits.baseAddress!)
            out.append(contentsOf: UnsafeBufferPointer(start: digits.baseAddress, count: n))
        }
    }

    /// Writes the decimal digits of `value` at `p` (room for `maxIntBytes`); returns how many.
    @inline(__always)
    static func writeInt(_ value: Int64, to p: UnsafeMutablePointer<UInt8>) -> Int {
        var magnitude = value.magnitude
        var sign = 0
        if value < 0 {
            p[0] = UInt8(ascii: "-")
            sign = 1
        }
        var digits = 1
        var rest = magnitude
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        var i = sign + digits
        repeat {
            i -= 1
            p[i] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
        } while magnitude > 0
        return sign + digits
    }

    /// Shortest representation that reads back as the same `Double` (Swift's `description`).
    /// Only call with finite values.
    static func appendDouble(_ value: Double, to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxDoubleBytes) { text in
            let n = writeDouble(value, to: text.baseAddress!)
            out.append(contentsOf: UnsafeBufferPointer(start: text.baseAddress, count: n))
        }
    }

    /// Writes what `appendDouble` appends at `p` (room for `maxDoubleBytes`); returns how many bytes.
    static func writeDouble(_ value: Double, to p: UnsafeMutablePointer<UInt8>) -> Int {
        let short = writeShortDecimal(value, to: p)
        if short > 0 { return short }
        // What `description` writes, straight into `p`: `write(to:)` hands its digits to `_writeASCII`, so no
        // String is made (17 digits do not fit a small string: that would be an allocation per value).
        var sink = RawASCIISink(start: p)
        value.write(to: &sink)
        return sink.count
    }

    private struct RawASCIISink: TextOutputStream {
        let start: UnsafeMutablePointer<UInt8>
        var count = 0
        init(start: UnsafeMutablePointer<UInt8>) { self.start = start }
        mutating func write(_ text: String) {
            var text = text
            text.withUTF8 { _writeASCII($0) }
        }
        mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
            let n = min(buffer.count, ByteWriter.maxDoubleBytes - count)
            guard n > 0, let source = buffer.baseAddress else { return }
            (start + count).update(from: source, count: n)
            count += n
        }
    }

    /// The common case without the general algorithm: a value in [0.001, 1e15) that is exactly some integer
    /// over 10^k for k ≤ 6 (prices, distances, rates) is written as that decimal, with the fewest decimals
    /// that read back as the same Double — what `description` writes too. Anything else writes nothing and
    /// returns 0.
    @inline(__always)
    private static func writeShortDecimal(_ value: Double, to p: UnsafeMutablePointer<UInt8>) -> Int {
        let magnitude = value.magnitude
        guard magnitude >= 0.001, magnitude < 1e15 else { return 0 }
        // A value that is no 6-decimal number is no shorter one either: one test instead of seven for computed
        // values (means, logarithms). Were it ever wrong, the general algorithm would write the same text.
        if magnitude < 1e9, (magnitude * 1e6).rounded() / 1e6 != magnitude { return 0 }
        var scale = 1.0
        var unit: UInt64 = 1
        for k in 0...6 {
            let scaled = (magnitude * scale).rounded()
            // Few enough significant digits that exactly one k-decimal lies within the value's rounding interval.
            guard scaled < 1e15 else { return 0 }
            guard scaled / scale == magnitude else {
                scale *= 10  // exact: powers of ten up to 1e6 are
                unit &*= 10
                continue
            }
            let digits = UInt64(scaled)
            var n = 0
            if value < 0 {
                p[0] = UInt8(ascii: "-")
                n = 1
            }
            n += writeInt(Int64(digits / unit), to: p + n)
            p[n] = UInt8(ascii: ".")
            n += 1
            if k == 0 {
                p[n] = UInt8(ascii: "0")
                return n + 1
            }
            // k is the fewest decimals, so the fraction has exactly k digits (leading zeros included).
            var fraction = digits % unit
            var w = n + k
            while w > n {
                w -= 1
                p[w] = UInt8(ascii: "0") + UInt8(fraction % 10)
                fraction /= 10
            }
            return n + k
        }
        return 0
    }

    @inline(__always)
    static func appendString(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { out.append(contentsOf: $0) }
    }
}
