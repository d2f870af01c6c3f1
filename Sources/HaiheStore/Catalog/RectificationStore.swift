import Foundation
import HaiheCore

/// Rectification orders (责令限期改正) and the overdue list they are issued from.
public struct RectificationStore: Sendable {
    let database: any SQLDatabase

    public func issue(_ order: RectificationOrder, audit: AuditDraft, at time: Date = Date()) async throws {
        try order.validate(at: time)
        try await database.transaction { session in
            guard try await session.first("SELECT id FROM organizations WHERE id = $1", order.organizationID) != nil else {
                throw HaiheError.notFound("organization", zh: "单位", id: order.organizationID)
            }
            try await session.execute("""
                INSERT INTO rectification_orders (id, organization_id, entry_id, kind, reason, deadline, status, issued_by, issued_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                """, order.id, order.organizationID, order.entryID, order.kind.rawValue, order.reason, order.deadline,
                order.status.rawValue, order.issuedBy, order.issuedAt)
            try await AuditTrail.append(audit.about(order.id, ["organization_id": order.organizationID, "kind": order.kind.rawValue,
                                                               "deadline": Timestamp.format(order.deadline)]), in: session, at: time)
        }
    }

    public func find(id: String) async throws -> RectificationOrder? {
        try await database.read { try await $0.first("SELECT * FROM rectification_orders WHERE id = $1", id) }.map(Self.decode)
    }

    /// Orders, newest first; for one organisation (its inbox) or all.
    public func list(organizationID: String?) async throws -> [RectificationOrder] {
        try await database.read { session in
            if let organizationID {
                return try await session.query("SELECT * FROM rectification_orders WHERE organization_id = $1 ORDER BY issued_at DESC", organizationID)
            }
            return try await session.query("SELECT * FROM rectification_orders ORDER BY issued_at DESC")
        }.map(Self.decode)
    }

    /// Moves an open order to done (the department's report) or cancelled (the regulator's decision).
    public func close(id: String, as status: RectificationOrder.Status, response: String?, audit: AuditDraft, at time: Date = Date()) async throws -> RectificationOrder {
        try await database.transaction { session in
            guard let row = try await session.first("SELECT * FROM rectification_orders WHERE id = $1\(session.dialect.forUpdate)", id) else {
                throw HaiheError.notFound("rectification_order", zh: "整改通知", id: id)
            }
            var order = try Self.decode(row)
            guard order.status == .open else {
                throw HaiheError.conflict("rectification.closed", zh: "该整改通知已办结", en: "The order is already \(order.status.rawValue)")
            }
            if status == .done, (response ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw HaiheError.invalid("rectification.response", zh: "请说明整改情况", en: "Say what was corrected")
            }
            order.status = status
            order.response = response
            order.respondedAt = time
            try await session.execute("UPDATE rectification_orders SET status = $2, response = $3, responded_at = $4 WHERE id = $1",
                                      id, status.rawValue, response, time)
            try await AuditTrail.append(audit.about(id, ["status": status.rawValue, "late": String(time > order.deadline)]), in: session, at: time)
            return order
        }
    }

    /// Published entries whose data is late, and duty-bearing organisations with no confirmed catalog.
    public func overdueReport(organizations: any OrganizationRepository, at time: Date = Date()) async throws -> OverdueReport {
        let published = try await database.read {
            try await $0.query("SELECT document FROM catalog_entries WHERE status = 'published'")
        }.map(CatalogStore.decode)
        let catalogued = Set(try await database.read { session in
            try await session.query("SELECT DISTINCT provider_id FROM catalog_entries WHERE status IN ('confirmed', 'published')")
        }.map { try $0.string("provider_id") })
        return OverdueReport.build(entries: published, organizations: try await organizations.list(), catalogued: catalogued, at: time)
    }

    static func decode(_ row: SQLRow) throws -> RectificationOrder {
        var order = RectificationOrder(id: try row.string("id"), organizationID: try row.string("organization_id"), entryID: row.optionalString("entry_id"),
                                       kind: RectificationOrder.Kind(rawValue: try row.string("kind")) ?? .other, reason: try row.string("reason"),
                                       deadline: try row.date("deadline"), issuedBy: try row.string("issued_by"), issuedAt: try row.date("issued_at"))
        order.status = RectificationOrder.Status(rawValue: try row.string("status")) ?? .open
        order.response = row.optionalString("response")
        order.respondedAt = row.optionalDate("responded_at")
        return order
    }
}
