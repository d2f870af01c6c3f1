import Crypto
import Foundation
import HaiheCore
import HaiheStore
import Hummingbird

/// The audit trail for auditors and the regulator: search, CSV export, signed checkpoints.
struct AuditAPI: Sendable {
    let store: Store
    let `guard`: Guard
    let nodeKey: NodeKey

    struct EventPage: ResponseEncodable {
        var items: [AuditEvent]
        var total: Int
        var limit: Int
        var offset: Int
    }

    struct Checkpoints: ResponseEncodable {
        var items: [AuditCheckpoint]
        var nodePublicKey: String
    }

    func addRoutes(to router: Router<HaiheRequestContext>) {
        router.route(.get, "/api/v1/audit/events", .auditRead, guard: `guard`) { request, _ -> EventPage in
            let (filter, limit, offset) = try Self.query(request)
            let (events, total) = try await store.audit.search(filter, limit: limit, offset: offset)
            return EventPage(items: events, total: total, limit: limit, offset: offset)
        }

        router.route(.get, "/api/v1/audit/events.csv", .auditRead, guard: `guard`) { request, _ -> Response in
            let (filter, _, _) = try Self.query(request)
            let (events, _) = try await store.audit.search(filter, limit: 100_000, offset: 0)
            return Self.csvResponse(events)
        }

        router.route(.get, "/api/v1/audit/checkpoints", .auditRead, guard: `guard`) { _, _ -> Checkpoints in
            Checkpoints(items: try await store.audit.checkpoints(), nodePublicKey: nodeKey.publicKeyHex)
        }

        router.route(.post, "/api/v1/audit/checkpoints", .auditCheckpoint, guard: `guard`) { _, context -> Response in
            let checkpoint = try await store.audit.checkpoint(key: nodeKey, actor: context.identity?.subject, requestID: context.requestID)
            guard let checkpoint else { return Response(status: .noContent) }
            return try jsonResponse(checkpoint, status: .created, context: context)
        }
    }

    /// Reads the search filters shared by the JSON and CSV forms: actor, organization_id, object_id,
    /// action (exact, or a prefix ending in "."), outcome, from, to (ISO 8601), limit, offset.
    static func query(_ request: Request) throws -> (AuditFilter, Int, Int) {
        let q = request.uri.queryParameters
        func text(_ name: String) -> String? { q[name[...]].map(String.init).flatMap { $0.isEmpty ? nil : $0 } }
        func date(_ name: String) throws -> Date? {
            guard let value = text(name) else { return nil }
            if let date = Timestamp.parse(value) ?? Timestamp.parse(value + "T00:00:00.000Z") { return date }
            throw HaiheError.invalid("audit.bad_date", zh: "时间“\(value)”格式不正确（应为 ISO 8601）", en: "'\(value)' is not an ISO 8601 date or time")
        }
        var outcome: AuditEvent.Outcome?
        if let value = text("outcome") {
            guard let parsed = AuditEvent.Outcome(rawValue: value) else {
                throw HaiheError.invalid("audit.bad_outcome", zh: "结果应为 success、denied 或 failed", en: "outcome is success, denied or failed")
            }
            outcome = parsed
        }
        let filter = AuditFilter(actor: text("actor"), organizationID: text("organization_id"), objectID: text("object_id"),
                                 action: text("action"), outcome: outcome, from: try date("from"), until: try date("to"))
        let limit = min(max(Int(text("limit") ?? "") ?? 50, 1), 1000)
        let offset = min(max(Int(text("offset") ?? "") ?? 0, 0), 100_000_000)
        return (filter, limit, offset)
    }

    static func csvResponse(_ events: [AuditEvent]) -> Response {
        var csv = "\u{FEFF}sequence,id,occurred_at,actor_username,actor_user_id,actor_organization_id,action,object_type,object_id,outcome,client_address,request_id,detail,hash\r\n"
        for e in events {
            let fields = [String(e.sequence), e.id, Timestamp.format(e.occurredAt), e.actorUsername ?? "", e.actorUserID ?? "",
                          e.actorOrganizationID ?? "", e.action, e.objectType, e.objectID ?? "", e.outcome.rawValue,
                          e.clientAddress ?? "", e.requestID ?? "", e.detail, e.hash]
            csv += fields.map(csvField).joined(separator: ",") + "\r\n"
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"haihe-audit.csv\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: csv)))
    }

    /// RFC 4180 quoting; a leading = + - @ is prefixed so spreadsheets do not run it as a formula.
    static func csvField(_ value: String) -> String {
        var v = value
        if let first = v.first, "=+-@".contains(first) { v = "'" + v }
        return CSVField.quoted(v)
    }
}

/// Encodes `value` with the platform's JSON conventions.
func jsonResponse(_ value: some Encodable, status: HTTPResponse.Status = .ok, context: HaiheRequestContext) throws -> Response {
    var headers = HTTPFields()
    headers[.contentType] = "application/json; charset=utf-8"
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try context.responseEncoder.encode(value))))
}
