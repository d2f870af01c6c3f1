import Foundation
import HaiheCore

/// Organisations in SQL; portable across both dialects.
public struct SQLOrganizationRepository: OrganizationRepository {
    let database: any SQLDatabase

    public init(database: any SQLDatabase) { self.database = database }

    static let columns = "id, kind, name_zh, name_en, credit_code, parent_id, division_code, contact_name, contact_phone, contact_email, created_at, updated_at"

    public func create(_ organization: Organization, audit: AuditDraft) async throws {
        try organization.validate()
        try await database.transaction { session in
            try await Self.insert(organization, in: session)
            try await AuditTrail.append(audit.about(organization.id, ["name_zh": organization.nameZH, "kind": organization.kind.rawValue]), in: session)
        }
    }

    public func update(_ o: Organization, audit: AuditDraft) async throws {
        try o.validate()
        try await database.transaction { session in
            guard try await session.first("SELECT id FROM organizations WHERE id = $1\(session.dialect.forUpdate)", o.id) != nil else {
                throw HaiheError.notFound("organization", zh: "单位", id: o.id)
            }
            do {
                try await session.execute("""
                    UPDATE organizations SET kind = $2, name_zh = $3, name_en = $4, credit_code = $5, parent_id = $6, division_code = $7,
                        contact_name = $8, contact_phone = $9, contact_email = $10, updated_at = $11 WHERE id = $1
                    """, o.id, o.kind.rawValue, o.nameZH, o.nameEN, o.creditCode, o.parentID, o.divisionCode,
                    o.contact?.name, o.contact?.phone, o.contact?.email, Date())
            } catch where isUniqueViolation(error) {
                throw HaiheError.conflict("organization.credit_code_taken", zh: "统一社会信用代码已被其他单位使用",
                                          en: "Another organisation already has that unified social credit code")
            }
            try await AuditTrail.append(audit.about(o.id, ["name_zh": o.nameZH]), in: session)
        }
    }

    /// Inserts within a caller's transaction (the demo loads a whole city in one).
    public static func insert(_ o: Organization, in session: any SQLSession) async throws {
        try o.validate()
        do {
            try await session.execute(
                "INSERT INTO organizations (\(columns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                o.id, o.kind.rawValue, o.nameZH, o.nameEN, o.creditCode, o.parentID, o.divisionCode,
                o.contact?.name, o.contact?.phone, o.contact?.email, o.createdAt, o.updatedAt)
        } catch where isUniqueViolation(error) {
            throw HaiheError.conflict("organization.credit_code_taken",
                                      zh: "统一社会信用代码 \(o.creditCode ?? "") 已被其他单位使用",
                                      en: "Another organisation already has the unified social credit code \(o.creditCode ?? "")")
        }
    }

    public func find(id: String) async throws -> Organization? {
        try await database.read { try await $0.first("SELECT \(Self.columns) FROM organizations WHERE id = $1", id) }.map(Self.decode)
    }

    public func find(creditCode: String) async throws -> Organization? {
        try await database.read { try await $0.first("SELECT \(Self.columns) FROM organizations WHERE credit_code = $1", creditCode) }.map(Self.decode)
    }

    public func list() async throws -> [Organization] {
        try await database.read { try await $0.query("SELECT \(Self.columns) FROM organizations ORDER BY division_code, kind, name_zh") }.map(Self.decode)
    }

    public func count() async throws -> Int {
        try await database.read { try await $0.scalarInt("SELECT COUNT(*) FROM organizations") } ?? 0
    }

    static func decode(_ row: SQLRow) throws -> Organization {
        guard let kind = OrganizationKind(rawValue: try row.string("kind")) else {
            throw StoreError.unexpectedValue(column: "kind", value: row["kind"])
        }
        let contact = row.optionalString("contact_name").map {
            Contact(name: $0, phone: row.optionalString("contact_phone"), email: row.optionalString("contact_email"))
        }
        return Organization(id: try row.string("id"), kind: kind, nameZH: try row.string("name_zh"),
                            nameEN: row.optionalString("name_en"), creditCode: row.optionalString("credit_code"),
                            parentID: row.optionalString("parent_id"), divisionCode: try row.string("division_code"),
                            contact: contact, createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }
}
