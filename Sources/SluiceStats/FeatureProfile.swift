import Foundation

/// Whether a feature is numeric or categorical.
public enum FeatureType: String, Sendable, Codable, Equatable {
    case numeric, categorical
}

/// The reference description of one feature (JSON via Codable, snake_case keys).
public struct FeatureProfile: Sendable, Codable, Equatable {
    public var name: String
    public var type: FeatureType
    /// Non-missing values.
    public var count: Int
    public var missingCount: Int
    /// missingCount / (count + missingCount).
    public var missingRate: Double
    // Numeric only.
    public var mean: Double?
    /// Sample standard deviation (ddof = 1).
    public var std: Double?
    /// Population standard deviation (ddof = 0); used to normalise Wasserstein.
    public var stdPopulation: Double?
    public var min: Double?
    public var max: Double?
    /// PSI interior edges (unique reference deciles, numpy 'linear').
    public var binEdges: [Double]?
    /// Reference counts on `binEdges` (right-closed bins).
    public var binCounts: [Int]?
    /// Ascending reference sample for KS / Wasserstein: every value when count <= the sample limit,
    /// otherwise the values at evenly spaced ranks (deterministic).
    public var sample: [Double]?
    /// True when `sample` holds every non-missing reference value.
    public var sampleIsComplete: Bool?
    // Categorical only.
    /// Category → count.
    public var categories: [String: Int]?

    enum CodingKeys: String, CodingKey {
        case name, type, count, mean, std, min, max, sample, categories
        case missingCount = "missing_count", missingRate = "missing_rate", stdPopulation = "std_population"
        case binEdges = "bin_edges", binCounts = "bin_counts", sampleIsComplete = "sample_is_complete"
    }
}

/// A versioned set of feature profiles with a content id.
///
/// `id` = 16 hex digits of FNV-1a 64 over the canonical JSON (sorted keys) of `format_version` and `features`;
/// the same reference data always gives the same id.
public struct ReferenceProfile: Sendable, Codable, Equatable {
    /// Current profile format version.
    public static let currentFormatVersion = 1

    public var formatVersion: Int
    public var id: String
    /// Sorted by name.
    public var features: [FeatureProfile]

    enum CodingKeys: String, CodingKey {
        case id, features
        case formatVersion = "format_version"
    }

    /// Wraps features (sorted by name) and computes the content id.
    public init(features: [FeatureProfile]) {
        formatVersion = Self.currentFormatVersion
        self.features = features.sorted { $0.name < $1.name }
        id = ""
        id = Self.contentID(formatVersion: formatVersion, features: self.features)
    }

    /// The profile for a feature name.
    public func feature(_ name: String) -> FeatureProfile? { features.first { $0.name == name } }

    /// FNV-1a 64 (hex) over the canonical JSON encoding of the version and features.
    public static func contentID(formatVersion: Int, features: [FeatureProfile]) -> String {
        struct Canonical: Encodable {
            let formatVersion: Int
            let features: [FeatureProfile]
            enum CodingKeys: String, CodingKey { case formatVersion = "format_version", features }
        }
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? enc.encode(Canonical(formatVersion: formatVersion, features: features))) ?? Data()
        return StableHash.hex(StableHash.fnv1a(data))
    }

    /// Pretty, key-sorted JSON.
    public func jsonData() throws -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try enc.encode(self)
    }

    /// Decodes JSON and checks the version and the id. - Throws: `StatsError` (`unsupportedVersion`, `corruptEncoding`).
    public static func decode(_ data: Data) throws(StatsError) -> ReferenceProfile {
        let p: ReferenceProfile
        do { p = try JSONDecoder().decode(ReferenceProfile.self, from: data) } catch {
            throw StatsError(.corruptEncoding, "reference profile JSON is invalid: \(error)")
        }
        guard p.formatVersion == currentFormatVersion else {
            throw StatsError(.unsupportedVersion, "reference profile format_version \(p.formatVersion) is not supported (expected \(currentFormatVersion))")
        }
        let expected = contentID(formatVersion: p.formatVersion, features: p.features)
        guard expected == p.id else {
            throw StatsError(.corruptEncoding, "reference profile id does not match its content; rebuild the profile",
                             context: ["id": p.id, "computed": expected])
        }
        return p
    }
}
