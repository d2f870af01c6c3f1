import Foundation
import HaiheCore

/// 开放申请 (Art. 23) in the database: accepted at submission with a two-working-day deadline on the same calendar as
/// share requests, answered by the provider; each step and its audit event commit together.
public struct OpenApplicationStore: Sendable {
    let database: any SQLDatabase
    let calendar: CalendarStore

    public func submit(entry: CatalogEntry, applicant: User, identity: String, purpose: String, intendedUse: String, audit: AuditDraft,
                       at time: Date = Date()) async throws -> OpenApplication {
        guard entry.openType == .conditional else {
            throw HaiheError.conflict("opendata.not_conditional", zh: "该数据集无需申请", en: "This dataset needs no application")
        }
        try OpenApplication.validate(identity: identity, purpose: purpose, intendedUse: intendedUse)
        let deadline = try await calendar.calendar().deadline(accepted: time, workingDays: SharingStore.answerWorkingDays)
        let application = OpenApplication(entryID: entry.entryID, resourceCode: entry.resourceCode, entryTitle: entry.title, providerID: entry.providerID,
                                          applicantUserID: applicant.id, applicantName: applicant.displayName,
                                          identity: identity.trimmingCharacters(in: .whitespaces).uppercased(), purpose: purpose, intendedUse: intendedUse,
                                          acceptedAt: time, deadline: deadline)
        do {
            try await insert(application, audit: audit, at: time)
        } catch where isUniqueViolation(error) {
            throw HaiheError.conflict("opendata.pending", zh: "您对该数据集已有待答复的申请，请等待答复或先撤回",
                                      en: "You already have a pending application for this dataset; wait for the answer or withdraw it first")
        }
        return application
    }

    func insert(_ application: OpenApplication, audit: AuditDraft, at time: Date) async throws {
        try await database.transaction { session in
            try await session.execute("""
                INSERT INTO open_applications (id, entry_id, resource_code, entry_title, provider_id, applicant_user_id, applicant_name, identity, purpose,
                    intended_use, status, accepted_at, deadline)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                """, application.id, application.entryID, application.resourceCode, application.entryTitle, application.providerID,
                application.applicantUserID, application.applicantName, application.identity, application.purpose, application.intendedUse,
                application.status.rawValue, application.acceptedAt, application.deadline)
            try await AuditTrail.append(audit.about(application.id, ["entry": application.entryID, "deadline": Timestamp.format(application.deadline)]), in: session, at: time)
        }
    }

    public enum Answer: Sendable {
        case approve(terms: String, until: Date)
        case refuse(reason: String, basis: String)
    }

    public func answer(_ id: String, _ answer: Answer, audit: AuditDraft, at time: Date = Date()) async throws -> OpenApplication {
        try await change(id, audit: audit, at: time) { application in
            guard application.status == .pending else { throw Self.wrongState(application) }
            switch answer {
            case .approve(let terms, let until):
                guard until > time, until.timeIntervalSince(time) <= 5 * 366 * 86_400 else {
                    throw HaiheError.invalid("opendata.period", zh: "开放期限应在今后五年之内", en: "The period must end in the next five years")
                }
                application.status = .approved
                application.terms = terms.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : terms
                application.accessUntil = until
            case .refuse(let reason, let basis):
                guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, !basis.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                    throw HaiheError.invalid("opendata.refusal_incomplete", zh: "不同意开放须说明理由并提供依据（Art. 23）", en: "A refusal must give a reason and a basis (Art. 23)")
                }
                application.status = .refused
                application.refusalReason = reason
                application.refusalBasis = basis
            }
            application.answeredAt = time
            return ["status": application.status.rawValue, "late": String(time > application.deadline)]
        }
    }

    public func withdraw(_ id: String, audit: AuditDraft, at time: Date = Date()) async throws -> OpenApplication {
        try await change(id, audit: audit, at: time) { application in
            guard application.status == .pending else { throw Self.wrongState(application) }
            application.status = .withdrawn
            return ["status": "withdrawn"]
        }
    }

    public func application(id: String) async throws -> OpenApplication? {
        try await database.read { try await $0.first("SELECT * FROM open_applications WHERE id = $1", id) }.map(Self.decode)
    }

    /// An applicant's ("my applications"), a provider's inbox (open first, by deadline), or all.
    public func list(applicantUserID: String? = nil, providerID: String? = nil, limit: Int = 200) async throws -> [OpenApplication] {
        var conditions: [String] = []
        var binds: [SQLValue] = []
        if let applicantUserID { binds.append(.text(applicantUserID)); conditions.append("applicant_user_id = $\(binds.count)") }
        if let providerID { binds.append(.text(providerID)); conditions.append("provider_id = $\(binds.count)") }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return try await database.read { session in
            try await session.query("""
                SELECT * FROM open_applications\(whereClause)
                ORDER BY CASE WHEN status = 'pending' THEN 0 ELSE 1 END, deadline, accepted_at DESC LIMIT \(max(1, min(limit, 1000)))
                """, binds)
        }.map(Self.decode)
    }

    public func approved(entryID: String, applicantUserID: String) async throws -> [OpenApplication] {
        guard !applicantUserID.isEmpty else { return [] }
        return try await database.read { session in
            try await session.query("SELECT * FROM open_applications WHERE entry_id = $1 AND applicant_user_id = $2 AND status = 'approved'", entryID, applicantUserID)
        }.map(Self.decode)
    }

    func change(_ id: String, audit: AuditDraft, at time: Date, _ body: @Sendable (inout OpenApplication) throws -> [String: String]) async throws -> OpenApplication {
        try await database.transaction { session in
            guard let row = try await session.first("SELECT * FROM open_applications WHERE id = $1\(session.dialect.forUpdate)", id) else {
                throw HaiheError.notFound("open_application", zh: "开放申请", id: id)
            }
            var application = try Self.decode(row)
            let detail = try body(&application)
            try await session.execute("""
                UPDATE open_applications SET status = $2, answered_at = $3, terms = $4, access_until = $5, refusal_reason = $6, refusal_basis = $7 WHERE id = $1
                """, id, application.status.rawValue, application.answeredAt, application.terms, application.accessUntil, application.refusalReason,
                application.refusalBasis)
            try await AuditTrail.append(audit.about(id, detail.merging(["entry": application.entryID]) { a, _ in a }), in: session, at: time)
            return application
        }
    }

    static func wrongState(_ application: OpenApplication) -> HaiheError {
        HaiheError.conflict("opendata.state", zh: "申请当前状态为“\(application.status.labelZH)”，不能执行此操作", en: "The application is \(application.status.rawValue)")
    }

    static func decode(_ row: SQLRow) throws -> OpenApplication {
        var application = OpenApplication(id: try row.string("id"), entryID: try row.string("entry_id"), resourceCode: try row.string("resource_code"),
                                          entryTitle: try row.string("entry_title"), providerID: try row.string("provider_id"),
                                          applicantUserID: try row.string("applicant_user_id"), applicantName: try row.string("applicant_name"),
                                          identity: try row.string("identity"), purpose: try row.string("purpose"), intendedUse: try row.string("intended_use"),
                                          acceptedAt: try row.date("accepted_at"), deadline: try row.date("deadline"))
        application.status = OpenApplication.Status(rawValue: try row.string("status")) ?? .pending
        application.answeredAt = row.optionalDate("answered_at")
        application.terms = row.optionalString("terms")
        application.accessUntil = row.optionalDate("access_until")
        application.refusalReason = row.optionalString("refusal_reason")
        application.refusalBasis = row.optionalString("refusal_basis")
        return application
    }
}
