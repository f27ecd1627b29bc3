import CRdKafka
import Foundation

/// librdkafka properties, passed through as they are (`security.protocol`, `sasl.*`, `ssl.*`, ...).
///
/// Values of secret-bearing properties never appear in `description`, logs or errors.
///
/// ```swift
/// var config = KafkaConfiguration(bootstrapServers: broker.bootstrapServers)
/// config["compression.type"] = "lz4"
/// ```
public struct KafkaConfiguration: Sendable, CustomStringConvertible {
    public private(set) var properties: [String: String] = [:]

    public init(bootstrapServers: String, properties: [String: String] = [:]) {
        self.properties = properties
        self.properties["bootstrap.servers"] = bootstrapServers
    }

    public subscript(key: String) -> String? {
        get { properties[key] }
        set { properties[key] = newValue }
    }

    public var bootstrapServers: String { properties["bootstrap.servers"] ?? "" }

    /// Adds `defaults` for keys the user did not set.
    public func withDefaults(_ defaults: [String: String]) -> KafkaConfiguration {
        var copy = self
        for (k, v) in defaults where copy.properties[k] == nil { copy.properties[k] = v }
        return copy
    }

    /// True for properties whose value must never be shown.
    public static func isSecret(_ key: String) -> Bool {
        let k = key.lowercased()
        return k.contains("password") || k.contains("secret") || k.hasSuffix(".key.pem")
            || k == "sasl.oauthbearer.config" || k.contains("token") || k == "ssl.keystore.password"
    }

    /// `key=value` pairs with secrets shown as `[redacted]`, sorted for stable logs.
    public var description: String {
        properties.keys.sorted().map { k in "\(k)=\(Self.isSecret(k) ? "[redacted]" : properties[k]!)" }
            .joined(separator: ", ")
    }

    /// Builds an `rd_kafka_conf_t`, naming the property at fault (never its secret value) on error.
    func makeNativeConfiguration() throws(KafkaError) -> OpaquePointer {
        let conf = rd_kafka_conf_new()!
        var errstr = [CChar](repeating: 0, count: 512)
        for key in properties.keys.sorted() {
            let value = properties[key]!
            let result = rd_kafka_conf_set(conf, key, value, &errstr, errstr.count)
            if result != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                let shown = Self.isSecret(key) ? "[redacted]" : "'\(value)'"
                let detail = String(nulTerminated: errstr)
                let hint =
                    result == RD_KAFKA_CONF_UNKNOWN
                    ? "unknown property '\(key)'; see librdkafka's CONFIGURATION.md for the supported names"
                    : "invalid value \(shown) for '\(key)': \(redactSecrets(in: detail))"
                throw KafkaError(.configuration, hint)
            }
        }
        return conf
    }

    /// librdkafka echoes values in some messages; strip any secret value that appears.
    func redactSecrets(in text: String) -> String {
        var out = text
        for (k, v) in properties where Self.isSecret(k) && !v.isEmpty {
            out = out.replacingOccurrences(of: v, with: "[redacted]")
        }
        return out
    }

}
