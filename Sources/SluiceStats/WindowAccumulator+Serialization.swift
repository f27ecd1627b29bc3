/// Checkpointing a `WindowAccumulator`: a versioned binary encoding (`serialized()` / `init(serialized:)`) and an
/// initialiser from parts for callers that keep their own encoding of the parts.
///
/// ```swift
/// let bytes = acc.serialized()                         // store with the checkpoint
/// let back = try WindowAccumulator(serialized: bytes)  // back == acc, and it continues identically
/// ```
extension WindowAccumulator: ByteSerializable {
    static let magic = "WACC"

    /// Builds an accumulator for `profile` from previously saved parts (for example those read from an older
    /// checkpoint format); reference categories come from the profile.
    ///
    /// - Throws: `corruptEncoding` when the histogram's edges are not the profile's bins, a count is negative,
    ///   the histogram, sketch and moments disagree on the number of values, or more than `maxNewCategories`
    ///   new categories are named.
    public init(restoring profile: FeatureProfile, maxNewCategories: Int = 100, histogram: BinnedHistogram,
                sketch: KLLSketch, moments: Welford, missing: Int, categoryCounts: [String: Int],
                otherNewCategoryCount: Int) throws(StatsError) {
        guard histogram.edges == (profile.binEdges ?? []) else {
            throw StatsError(.corruptEncoding, "saved bins of '\(profile.name)' differ from the reference profile's; was the profile replaced?",
                             context: ["feature": profile.name])
        }
        try self.init(feature: profile.name, type: profile.type, referenceCategories: Set((profile.categories ?? [:]).keys),
                      maxNewCategories: maxNewCategories, histogram: histogram, sketch: sketch, moments: moments,
                      missing: missing, categoryCounts: categoryCounts, otherNewCategoryCount: otherNewCategoryCount)
    }

    /// Version 1 layout (`ByteWriter`): magic `WACC`, version, feature name, type, maxNewCategories, the sorted
    /// reference categories, the histogram, sketch and moments in their own encodings, missing and overflow
    /// counts, then the name-sorted category counts. Equal accumulators give equal bytes.
    public func serialized() -> [UInt8] {
        var w = ByteWriter(magic: Self.magic, version: 1)
        w.raw(Array(feature.utf8))
        w.raw(Array(type.rawValue.utf8))
        w.i64(Int64(maxNewCategories))
        let reference = referenceCategories.sorted()
        w.u64(UInt64(reference.count))
        for c in reference { w.raw(Array(c.utf8)) }
        w.raw(histogram.serialized())
        w.raw(sketch.serialized())
        w.raw(moments.serialized())
        w.i64(Int64(missing))
        w.i64(Int64(otherNewCategoryCount))
        let counts = categoryCounts.sorted { $0.key < $1.key }
        w.u64(UInt64(counts.count))
        for (name, n) in counts { w.raw(Array(name.utf8)); w.i64(Int64(n)) }
        return w.bytes
    }

    /// Decodes `serialized()` output. - Throws: `corruptEncoding` on truncated or inconsistent bytes,
    /// `unsupportedVersion` for a newer format.
    public init(serialized bytes: [UInt8]) throws(StatsError) {
        var r = try ByteReader(bytes, magic: Self.magic, supported: 1...1)
        let feature = String(decoding: try r.raw(), as: UTF8.self)
        let typeName = String(decoding: try r.raw(), as: UTF8.self)
        guard let type = FeatureType(rawValue: typeName) else {
            throw StatsError(.corruptEncoding, "window accumulator of '\(feature)' has unknown feature type '\(typeName)'",
                             context: ["feature": feature])
        }
        let maxNew = Int(try r.i64())
        var reference = Set<String>()
        for _ in 0..<(try r.count(elementSize: 8)) { reference.insert(String(decoding: try r.raw(), as: UTF8.self)) }
        let histogram = try BinnedHistogram(serialized: try r.raw())
        let sketch = try KLLSketch(serialized: try r.raw())
        let moments = try Welford(serialized: try r.raw())
        let missing = Int(try r.i64()), other = Int(try r.i64())
        var counts: [String: Int] = [:]
        for _ in 0..<(try r.count(elementSize: 16)) { counts[String(decoding: try r.raw(), as: UTF8.self)] = Int(try r.i64()) }
        try r.finish()
        try self.init(feature: feature, type: type, referenceCategories: reference, maxNewCategories: maxNew,
                      histogram: histogram, sketch: sketch, moments: moments, missing: missing,
                      categoryCounts: counts, otherNewCategoryCount: other)
    }
}
