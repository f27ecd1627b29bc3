public import SluiceCore

/// Expanding a `one_hot(x, [categories])` result into one field per category, as `map` does:
/// `channel_kind: one_hot(channel, ["web", "app"])` yields `channel_kind_web` and `channel_kind_app`.
public enum OneHot {
    /// `<target>_<category>`; the category as `to_string` renders it (`"web"` → `web`, `3` → `3`).
    public static func fieldName(target: String, category: Value) -> String {
        "\(target)_\(category.expressionText)"
    }

    /// The expanded field names, in category order.
    public static func fieldNames(target: String, categories: [Value]) -> [String] {
        categories.map { fieldName(target: target, category: $0) }
    }

    /// Writes each element of a one-hot `value` to its expanded field. A null `value` (null input)
    /// writes null to every expanded field, so the record's shape does not depend on the data.
    public static func expand(_ value: Value, target: String, categories: [Value], into fields: inout Fields) {
        let items: [Value]
        if case .array(let a) = value, a.count == categories.count {
            items = a
        } else {
            items = Array(repeating: .null, count: categories.count)
        }
        for (category, item) in zip(categories, items) {
            fields[fieldName(target: target, category: category)] = item
        }
    }
}
