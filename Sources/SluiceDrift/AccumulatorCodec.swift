import SluiceStats

/// Checkpoint encoding of a `WindowAccumulator`, built from its public parts (histogram, KLL sketch, Welford
/// moments, missing count, category counts).
///
/// Why the unsafe restore: `WindowAccumulator` exposes its parts read-only (`private(set)`) and has no
/// decoding initialiser, so a decoded accumulator is rebuilt from the reference profile and its stored
/// properties are then overwritten in place through `MemoryLayout.offset(of:)` (the documented way to reach a
/// stored property's storage). The private count of named new categories is restored through the public
/// `add(category:)`. The round trip is checked by `==` (which compares every stored property) in the tests.
/// If SluiceStats gains `WindowAccumulator.init(serialized:)`, this file shrinks to a call of it.
enum AccumulatorCodec {
    static let magic = "DRAC"

    static func encode(_ a: WindowAccumulator, into w: inout ByteWriter) {
        var e = ByteWriter(magic: magic, version: 1)
        e.raw(Array(a.feature.utf8))
        e.raw(a.histogram.serialized())
        e.raw(a.sketch.serialized())
        e.raw(a.moments.serialized())
        e.i64(Int64(a.missing))
        e.i64(Int64(a.otherNewCategoryCount))
        let cats = a.categoryCounts.sorted { $0.key < $1.key }
        e.u64(UInt64(cats.count))
        for (name, n) in cats { e.raw(Array(name.utf8)); e.i64(Int64(n)) }
        w.raw(e.bytes)
    }

    /// Decodes an accumulator for `profile`. - Throws: `corruptState` on bad bytes or a different feature/bins.
    static func decode(from r: inout ByteReader, profile: FeatureProfile, sketchK: Int, maxNewCategories: Int) throws(DriftError) -> WindowAccumulator {
        do {
            var d = try ByteReader(try r.raw(), magic: magic, supported: 1...1)
            let name = String(decoding: try d.raw(), as: UTF8.self)
            guard name == profile.name else {
                throw DriftError(.corruptState, "checkpointed window is for feature '\(name)', expected '\(profile.name)'",
                                 context: ["feature": profile.name])
            }
            let histogram = try BinnedHistogram(serialized: try d.raw())
            guard histogram.edges == (profile.binEdges ?? []) else {
                throw DriftError(.corruptState, "checkpointed bins of '\(name)' differ from the reference profile; was the profile replaced?",
                                 context: ["feature": name])
            }
            let sketch = try KLLSketch(serialized: try d.raw())
            let moments = try Welford(serialized: try d.raw())
            let missing = Int(try d.i64()), other = Int(try d.i64())
            let nc = try d.count(elementSize: 16)
            var cats: [String: Int] = [:]
            for _ in 0..<nc { cats[String(decoding: try d.raw(), as: UTF8.self)] = Int(try d.i64()) }
            try d.finish()
            guard missing >= 0, other >= 0, cats.values.allSatisfy({ $0 >= 0 }) else {
                throw DriftError(.corruptState, "negative count in checkpointed window of '\(name)'", context: ["feature": name])
            }

            var acc = WindowAccumulator(profile: profile, sketchK: sketchK, maxNewCategories: maxNewCategories)
            let known = profile.categories ?? [:]
            for c in cats.keys.sorted() where known[c] == nil { acc.add(category: c) }
            try overwrite(&acc, \.histogram, histogram)
            try overwrite(&acc, \.sketch, sketch)
            try overwrite(&acc, \.moments, moments)
            try overwrite(&acc, \.missing, missing)
            try overwrite(&acc, \.categoryCounts, cats)
            try overwrite(&acc, \.otherNewCategoryCount, other)
            return acc
        } catch let e as DriftError {
            throw e
        } catch {
            throw DriftError(.corruptState, "checkpointed window of '\(profile.name)' is unreadable: \(error)", context: ["feature": profile.name])
        }
    }

    /// Writes a stored property that is only publicly readable.
    private static func overwrite<T>(_ acc: inout WindowAccumulator, _ path: KeyPath<WindowAccumulator, T>, _ value: T) throws(DriftError) {
        guard let offset = MemoryLayout<WindowAccumulator>.offset(of: path) else {
            throw DriftError(.corruptState, "this SluiceStats build does not allow restoring window accumulators")
        }
        withUnsafeMutableBytes(of: &acc) { raw in
            raw.baseAddress!.advanced(by: offset).assumingMemoryBound(to: T.self).pointee = value
        }
    }
}
