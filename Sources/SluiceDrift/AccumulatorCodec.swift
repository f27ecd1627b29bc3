import SluiceStats

/// Checkpoint encoding of a `WindowAccumulator` inside a drift window.
///
/// Version 2 (written) wraps SluiceStats' own versioned encoding (`WindowAccumulator.serialized()`). Version 1
/// (read only, written by earlier builds) stored the parts: feature name, histogram, KLL sketch, Welford moments,
/// missing and overflow counts, category counts; it is rebuilt through `WindowAccumulator(restoring:...)`.
enum AccumulatorCodec {
    static let magic = "DRAC"

    static func encode(_ a: WindowAccumulator, into w: inout ByteWriter) {
        var e = ByteWriter(magic: magic, version: 2)
        e.raw(a.serialized())
        w.raw(e.bytes)
    }

    /// Decodes an accumulator for `profile`; `maxNewCategories` applies to version 1 data only (version 2 keeps
    /// the limit the window was started with).
    /// - Throws: `corruptState` on bad bytes or an accumulator for another feature, type, bins or categories.
    static func decode(from r: inout ByteReader, profile: FeatureProfile, maxNewCategories: Int) throws(DriftError) -> WindowAccumulator {
        do {
            var d = try ByteReader(try r.raw(), magic: magic, supported: 1...2)
            let acc = d.version == 1
                ? try decodeVersion1(&d, profile: profile, maxNewCategories: maxNewCategories)
                : try WindowAccumulator(serialized: try d.raw())
            try d.finish()
            try check(acc, matches: profile)
            return acc
        } catch let e as DriftError {
            throw e
        } catch {
            throw DriftError(.corruptState, "checkpointed window of '\(profile.name)' is unreadable: \(error)", context: ["feature": profile.name])
        }
    }

    private static func decodeVersion1(_ d: inout ByteReader, profile: FeatureProfile, maxNewCategories: Int) throws -> WindowAccumulator {
        let name = String(decoding: try d.raw(), as: UTF8.self)
        guard name == profile.name else { throw mismatch(profile, "is for feature '\(name)'") }
        let histogram = try BinnedHistogram(serialized: try d.raw())
        let sketch = try KLLSketch(serialized: try d.raw())
        let moments = try Welford(serialized: try d.raw())
        let missing = Int(try d.i64()), other = Int(try d.i64())
        var cats: [String: Int] = [:]
        for _ in 0..<(try d.count(elementSize: 16)) { cats[String(decoding: try d.raw(), as: UTF8.self)] = Int(try d.i64()) }
        return try WindowAccumulator(restoring: profile, maxNewCategories: maxNewCategories, histogram: histogram, sketch: sketch,
                                     moments: moments, missing: missing, categoryCounts: cats, otherNewCategoryCount: other)
    }

    /// A window only resumes against the reference it was accumulated for.
    private static func check(_ acc: WindowAccumulator, matches profile: FeatureProfile) throws(DriftError) {
        guard acc.feature == profile.name else { throw mismatch(profile, "is for feature '\(acc.feature)'") }
        guard acc.type == profile.type else { throw mismatch(profile, "is \(acc.type.rawValue), the profile says \(profile.type.rawValue)") }
        guard acc.histogram.edges == (profile.binEdges ?? []), acc.referenceCategories == Set((profile.categories ?? [:]).keys) else {
            throw mismatch(profile, "has bins or categories that differ from the reference profile; was the profile replaced?")
        }
    }

    private static func mismatch(_ profile: FeatureProfile, _ what: String) -> DriftError {
        DriftError(.corruptState, "checkpointed window of '\(profile.name)' \(what)", context: ["feature": profile.name])
    }
}
