import Foundation
import Hummingbird
import SluiceCore

extension AdminServer {
    typealias Context = BasicRequestContext
    typealias Handler = @Sendable (Request, Context) async throws -> AdminReply

    /// All routes: the unauthenticated probes and every ``AdminEndpoint``.
    func makeRouter() -> Router<Context> {
        let router = Router(context: Context.self)
        router.get("/metrics") { request, _ in self.metricsReply(request).response }
        router.get("/healthz") { _, _ in AdminReply.text("ok\n").response }
        router.get("/readyz") { _, _ in
            let readiness = await self.engine.readiness()
            let reply = (try? AdminReply.json(readiness, status: readiness.ready ? .ok : .serviceUnavailable))
            return (reply ?? .text("not ready\n", status: .serviceUnavailable)).response
        }
        for endpoint in AdminEndpoint.allCases {
            let handler = self.handler(for: endpoint)
            router.on(RouterPath(endpoint.pattern), method: endpoint.method) { request, context in
                await self.respond(endpoint, request, context, handler)
            }
        }
        return router
    }

    /// Authenticates, checks the role, runs the handler and audits mutating calls.
    func respond(_ endpoint: AdminEndpoint, _ request: Request, _ context: Context, _ handler: Handler) async -> Response {
        let principal = TokenStore.bearerToken(fromAuthorization: request.headers[.authorization])
            .flatMap(tokens.authenticate(token:))
        var reply: AdminReply
        if let principal {
            if principal.role.satisfies(endpoint.requiredRole) {
                do { reply = try await handler(request, context) } catch { reply = .from(error) }
            } else {
                reply = .error(
                    .forbidden, code: "forbidden",
                    message: "role '\(principal.role.rawValue)' may not call \(endpoint.method) \(endpoint.pattern); it needs '\(endpoint.requiredRole.rawValue)'")
            }
        } else {
            reply = .error(.unauthorized, code: "unauthorized", message: "send a valid token as 'Authorization: Bearer <token>'")
            reply.extraHeaders[.wwwAuthenticate] = "Bearer realm=\"sluice\""
        }
        if endpoint.isMutating {
            let entry = AuditEntry(
                time: AuditLog.timestamp(), principal: principal?.name ?? "anonymous", role: principal?.role,
                method: request.method.rawValue, path: request.uri.path, status: Int(reply.status.code), detail: reply.detail)
            do {
                try await audit.append(entry)
            } catch {
                logger.critical("audit log write failed", metadata: ["error": "\(error)", "path": "\(entry.path)"])
            }
            logger.info("admin call", metadata: [
                "principal": "\(entry.principal)", "path": "\(entry.path)", "status": "\(entry.status)",
            ])
        }
        return reply.response
    }

    func metricsReply(_ request: Request) -> AdminReply {
        if let metricsToken {
            let ok = TokenStore.bearerToken(fromAuthorization: request.headers[.authorization])
                .flatMap(metricsToken.authenticate(token:)) != nil
            guard ok else {
                return .error(.unauthorized, code: "unauthorized", message: "/metrics requires the metrics bearer token")
            }
        }
        return .text(metrics.render(), contentType: PrometheusTextWriter.contentType)
    }

    private func handler(for endpoint: AdminEndpoint) -> Handler {
        let engine = self.engine
        switch endpoint {
        case .topology:
            return { _, _ in try .json(await engine.topologyStatus()) }
        case .graph:
            return { request, _ in
                let raw = request.uri.queryParameters["format"].map(String.init) ?? GraphFormat.text.rawValue
                guard let format = GraphFormat(rawValue: raw) else {
                    let allowed = GraphFormat.allCases.map(\.rawValue).joined(separator: ", ")
                    throw EngineControlError(.invalidArgument, "unknown graph format '\(raw)'; use one of: \(allowed)")
                }
                return try .json(GraphBody(format: format, graph: try await engine.graph(format: format)))
            }
        case .partitions:
            return { _, _ in try .json(PartitionsBody(partitions: await engine.topologyStatus().partitions)) }
        case .state:
            return { _, context in
                let op = try Self.pathParameter("operator", context), key = try Self.pathParameter("key", context)
                guard let value = try await engine.lookupState(operator: op, key: key) else {
                    throw EngineControlError(.notFound, "operator '\(op)' holds no state for key '\(key)'",
                                             context: ["operator": op, "key": key])
                }
                return try .json(StateBody(operator: op, key: key, value: JSONValue(value)))
            }
        case .models:
            return { _, _ in try .json(ModelsBody(models: await engine.models())) }
        case .predict:
            return { request, context in
                let name = try Self.pathParameter("name", context)
                let body = try await Self.decodeBody(PredictRequest.self, request, context,
                                                     shape: #"{"features": {...}, "entityKey": "optional"}"#)
                let outputs = try await engine.predict(model: name, features: body.features.fields, entityKey: body.entityKey)
                return try .json(PredictResponse(model: name, outputs: JSONFields(outputs)), detail: "scored with model \(name)")
            }
        case .activateModel:
            return { request, context in
                let name = try Self.pathParameter("name", context)
                let body = try await Self.decodeBody(ActivateRequest.self, request, context, shape: #"{"version": "..."}"#)
                let status = try await engine.activateModel(name, version: body.version)
                return try .json(status, detail: "activated model \(name) version \(body.version)")
            }
        case .rollbackModel:
            return { _, context in
                let name = try Self.pathParameter("name", context)
                let status = try await engine.rollbackModel(name)
                return try .json(status, detail: "rolled back model \(name) to version \(status.activeVersion ?? "none")")
            }
        case .checkpoint:
            return { _, _ in
                let result = try await engine.triggerCheckpoint()
                return try .json(result, detail: "checkpoint \(result.id) completed: \(result.bytes) bytes")
            }
        case .pauseSources:
            return { _, _ in
                try await engine.pauseSources()
                return try .json(SourcesBody(paused: true), detail: "sources paused")
            }
        case .resumeSources:
            return { _, _ in
                try await engine.resumeSources()
                return try .json(SourcesBody(paused: false), detail: "sources resumed")
            }
        }
    }

    /// A path parameter, percent-decoded (the router leaves paths encoded).
    static func pathParameter(_ name: String, _ context: Context) throws -> String {
        guard let raw = context.parameters.get(name) else {
            throw EngineControlError(.invalidArgument, "missing path parameter '\(name)'")
        }
        return raw.removingPercentEncoding ?? raw
    }

    static func decodeBody<T: Decodable>(_ type: T.Type, _ request: Request, _ context: Context, shape: String) async throws -> T {
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch {
            throw EngineControlError(.invalidArgument, "request body must be JSON of the form \(shape)")
        }
    }
}

struct GraphBody: Codable { var format: GraphFormat; var graph: String }
struct PartitionsBody: Codable { var partitions: [PartitionStatus] }
struct StateBody: Codable { var `operator`: String; var key: String; var value: JSONValue }
struct ModelsBody: Codable { var models: [ModelStatus] }
struct SourcesBody: Codable { var paused: Bool }
struct ActivateRequest: Codable { var version: String }

/// `POST /models/{name}/predict` body.
public struct PredictRequest: Codable, Sendable {
    public var features: JSONFields
    /// Entity key whose online features (held in state) are joined before scoring.
    public var entityKey: String?
    public init(features: JSONFields, entityKey: String? = nil) {
        self.features = features
        self.entityKey = entityKey
    }
}

/// `POST /models/{name}/predict` answer.
public struct PredictResponse: Codable, Sendable {
    public var model: String
    public var outputs: JSONFields
    public init(model: String, outputs: JSONFields) {
        self.model = model
        self.outputs = outputs
    }
}
