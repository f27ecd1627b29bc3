import Foundation
import Hummingbird

/// A handler's answer before it becomes a `Response`: status, body, and the audit detail.
struct AdminReply: Sendable {
    var status: HTTPResponse.Status
    var body: Data
    var contentType: String
    /// One line for the audit log (what was done, or why it failed). Never a secret or a request body.
    var detail: String
    var extraHeaders: HTTPFields = [:]

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok, detail: String = "") throws -> AdminReply {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return AdminReply(status: status, body: try encoder.encode(value), contentType: "application/json", detail: detail)
    }

    /// `{"error": {"code": ..., "message": ...}}`.
    static func error(_ status: HTTPResponse.Status, code: String, message: String) -> AdminReply {
        let payload = ErrorBody(error: .init(code: code, message: message))
        // Encoding two strings cannot fail; fall back to an empty body rather than trapping.
        let body = (try? JSONEncoder().encode(payload)) ?? Data()
        return AdminReply(status: status, body: body, contentType: "application/json", detail: message)
    }

    static func text(_ text: String, status: HTTPResponse.Status = .ok, contentType: String = "text/plain; charset=utf-8") -> AdminReply {
        AdminReply(status: status, body: Data(text.utf8), contentType: contentType, detail: "")
    }

    var response: Response {
        var headers = extraHeaders
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The reply for an error thrown while handling a request.
    static func from(_ error: any Error) -> AdminReply {
        if let e = error as? EngineControlError {
            let status: HTTPResponse.Status = switch e.code {
            case .notFound: .notFound
            case .invalidArgument: .badRequest
            case .conflict: .conflict
            case .unavailable: .serviceUnavailable
            case .internal: .internalServerError
            }
            return .error(status, code: e.code.rawValue, message: e.message)
        }
        return .error(.internalServerError, code: "internal", message: "internal error: \(error)")
    }
}

struct ErrorBody: Codable {
    struct Detail: Codable {
        var code: String
        var message: String
    }
    var error: Detail
}
