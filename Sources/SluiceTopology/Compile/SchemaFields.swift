import Foundation

/// Reads top-level field names from a schema file, so field references can be checked downstream.
enum SchemaFields {
    /// JSON Schema `properties` or Avro record `fields`; `nil` when the file declares neither.
    static func read(_ path: String) -> [String]? {
        guard let data = FileManager.default.contents(atPath: path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        if let properties = object["properties"] as? [String: Any] {
            // JSONSerialization loses key order; sort for stable messages.
            return properties.keys.sorted()
        }
        if let fields = object["fields"] as? [[String: Any]] {
            return fields.compactMap { $0["name"] as? String }
        }
        return nil
    }
}
