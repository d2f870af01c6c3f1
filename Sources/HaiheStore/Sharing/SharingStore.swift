import Foundation
import HaiheCore

/// 数据共享 (Art. 15–19): share requests and their timelines, grants, and the record of every delivery.
/// Each change and its timeline step and audit event commit together.
public struct SharingStore: Sendable {
    let database: any SQLDatabase
    let calendar: CalendarStore

    /// The answer period of Art. 17 (and 23): two working days from acceptance.
    public static let answerWorkingDays = 2

    public struct Actor: Sendable {
        public var userID: String
        public var organizationID: String

        public init(userID: String, organizationID: String) {
            self.userID = userID
            self.organizationID = organizationID
        }

        public init(_ subject: Subject) {
            self.init(userID: subject.userID, organizationID: subject.organizationID)
        }
    }

    // MARK: Requests

    /// Accepts a complete application at once (受理) and sets its deadline on the working-day calendar.
    public func submit(entry: CatalogEntry, application: ShareApplication, by actor: Actor, audit: AuditDraft, at time: Date = Date()) async throws -> ShareRequest {
        switch entry.shareType {
        case .unconditional:
            throw HaiheError.conflict("sharing.unconditional", zh: "该目录为无条件共享，可直接获取，无需申请", en: "This entry is shared unconditionally: read it directly, no application needed")
        case .notShared:
            throw HaiheError(.forbidden, code: "sharing.not_shared", zh: "该目录为不予共享，不能申请", en: "This entry is not shared and cannot be applied for")
        case .conditional:
            break
        }
        guard actor.organizationID != entry.providerID else {
            throw HaiheError.conflict("sharing.own_entry", zh: "不能申请本单位自己的目录", en: "You cannot apply for your own organisation's entry")
        }
        var application = application
        application.fields = application.fields.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        try application.validate(against: entry, at: time)
        let open = try await database.read { session in
            try await session.first("""
                SELECT id FROM share_requests WHERE entry_id = $1 AND consumer_id = $2 AND status IN ('pending', 'refused', 'disputed', 'arbitration')
                """, entry.entryID, actor.organizationID)
        }
        if let open {
            throw HaiheError.conflict("sharing.request_open", zh: "本单位对该目录已有未办结的申请（\(try open.string("id"))）",
                                      en: "Your organisation already has an open request for this entry (\(try open.string("id")))")
        }
        let calendar = try await calendar.calendar()
        let request = ShareRequest(entryID: entry.entryID, resourceCode: entry.resourceCode, entryTitle: entry.title, providerID: entry.providerID,
                                   consumerID: actor.organizationID, requestedBy: actor.userID, fields: application.fields, purpose: application.purpose,
                                   duty: application.duty, legalBasis: application.legalBasis, periodStart: application.periodStart,
                                   periodEnd: application.periodEnd, acceptedAt: time,
                                   deadline: calendar.deadline(accepted: time, workingDays: Self.answerWorkingDays))
        try await database.transaction { session in
            try await session.execute("""
                INSERT INTO share_requests (id, entry_id, resource_code, entry_title, provider_id, consumer_id, requested_by, fields, purpose, duty,
                    legal_basis, period_start, period_end, status, accepted_at, deadline)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
                """, request.id, request.entryID, request.resourceCode, request.entryTitle, request.providerID, request.consumerID, request.requestedBy,
                Self.json(request.fields), request.purpose, request.duty, request.legalBasis, request.periodStart, request.periodEnd,
                request.status.rawValue, request.acceptedAt, request.deadline)
            try await Self.event(.init(requestID: request.id, kind: .submitted, at: time, actorUserID: actor.userID, actorOrganizationID: actor.organizationID,
                                       text: request.purpose, detail: ["deadline": Timestamp.format(request.deadline)]), in: session)
            try await AuditTrail.append(audit.about(request.id, ["entry": entry.entryID, "deadline": Timestamp.format(request.deadline)]), in: session, at: time)
        }
        return request
    }

    /// The provider's answer: approve (optionally fewer fields, a shorter period) or refuse with a reason and a basis.
    /// During negotiation (a disputed refusal) the provider may still approve.
    public enum Answer: Sendable {
        case approve(fields: [String]?, periodEnd: Date?)
        case refuse(reason: String, basis: String)
    }

    public func answer(_ requestID: String, _ answer: Answer, entry: CatalogEntry, by actor: Actor, audit: AuditDraft, at time: Date = Date()) async throws -> ShareRequest {
        try await change(requestID, audit: audit, at: time) { request, session in
            switch answer {
            case .approve(let fields, let periodEnd):
                guard request.status == .pending || request.status == .disputed || request.status == .refused else {
                    throw Self.wrongState(request, "approve")
                }
                let granted = try Self.narrowed(fields, of: request, entry: entry)
                let end = try Self.narrowed(periodEnd, of: request)
                let grant = try await Self.createGrant(for: request, fields: granted, endsAt: end, at: time, in: session)
                if request.answeredAt == nil { request.answeredAt = time }
                request.status = .approved
                request.grantID = grant.id
                request.refusalReason = nil
                request.refusalBasis = nil
                return .init(requestID: request.id, kind: .approved, at: time, actorUserID: actor.userID, actorOrganizationID: actor.organizationID,
                             detail: ["grant": grant.id, "fields": granted.joined(separator: ","), "ends_at": Timestamp.format(end),
                                      "late": String(time > request.deadline)])
            case .refuse(let reason, let basis):
                guard request.status == .pending else { throw Self.wrongState(request, "refuse") }
                let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines), basis = basis.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !reason.isEmpty, !basis.isEmpty else {
                    throw HaiheError.invalid("sharing.refusal_incomplete", zh: "不同意共享须说明理由并提供依据（Art. 17）", en: "A refusal must give a reason and a basis (Art. 17)")
                }
                request.status = .refused
                request.answeredAt = time
                request.refusalReason = reason
                request.refusalBasis = basis
                return .init(requestID: request.id, kind: .refused, at: time, actorUserID: actor.userID, actorOrganizationID: actor.organizationID,
                             text: reason, detail: ["basis": basis, "late": String(time > request.deadline)])
            }
        }
    }

    /// The consumer disputes a refusal; negotiation (协商) begins.
    public func dispute(_ requestID: String, message: String, by actor: Actor, audit: AuditDraft, at time: Date = Date()) async throws -> ShareRequest {
        try await change(requestID, audit: audit, at: time) { request, _ in
            guard request.status == .refused else { throw Self.wrongState(request, "dispute") }
            try Self.requireText(message)
            request.status = .disputed
            return .init(requestID: request.id, kind: .disputed, at: time, actorUserID: actor.userID, actorOrganizationID: actor.organizationID, text: message)
        }
    }

    /// A message on the request, from either side or the regulator.
    public func message(_ requestID: String, text: String, by actor: Actor, audit: AuditDraft, at time: Date = Date()) async throws -> ShareRequest {
        try await change(requestID, audit: audit, at: time) { request, _ in
            guard request.status != .withdrawn, request.status != .decided else { throw Self.wrongState(request, "message") }
            try Self.requireText(text)
            return .init(requestID: request.id, kind: .message, at: time, actorUserID: actor.userID, actorOrganizationID: actor.organizationID, text: text)
        }
    }

    /// Negotiation failed: either side asks the regulator to decide (市互联网信息主管部门研究决定).
    public func requestArbitration(_ requestID: String, reason: String, by actor: Actor, audit: AuditDraft, at time: Date = Date()) async throws -> ShareRequest {
        try await change(requestID, audit: audit, at: time) { request, _ in
            guard request.status == .disputed || request.status == .refused else { throw Self.wrongState(request, "arbitration") }
            try Self.requireText(reason)
            request.status = .arbitration
            return .init(requestID: request.id, kind: .arbitrationRequested, at: time, actorUserID: actor.userID, actorOrganizationID: actor.organizationID, text: reason)
        }
    }

    /// The regulator's final decision; sharing (in whole or in part) is carried out at once as a grant.
    public func decide(_ requestID: String, _ decision: ShareRequest.Decision, fields: [String]?, reason: String, entry: CatalogEntry, by actor: Actor,
                       audit: AuditDraft, at time: Date = Date()) async throws -> ShareRequest {
        try await change(requestID, audit: audit, at: time) { request, session in
            guard request.status == .arbitration || request.status == .disputed else { throw Self.wrongState(request, "decide") }
            try Self.requireText(reason)
            var detail = ["decision": decision.rawValue]
            if decision != .refuse {
                if decision == .sharePartly && (fields ?? []).isEmpty {
                    throw HaiheError.invalid("sharing.partly_fields", zh: "部分共享须列出共享的信息项", en: "Sharing in part must name the fields shared")
                }
                let granted = try Self.narrowed(decision == .share ? nil : fields, of: request, entry: entry)
                let grant = try await Self.createGrant(for: request, fields: granted, endsAt: request.periodEnd, at: time, in: session)
                request.grantID = grant.id
                detail["grant"] = grant.id
                detail["fields"] = granted.joined(separator: ",")
            }
            request.status = .decided
            request.decision = decision
            request.decidedAt = time
            return .init(requestID: request.id, kind: .decided, at: time, actorUserID: actor.userID, actorOrganizationID: actor.organizationID, text: reason, detail: detail)
        }
    }

    public func withdraw(_ requestID: String, by actor: Actor, audit: AuditDraft, at time: Date = Date()) async throws -> ShareRequest {
        try await change(requestID, audit: audit, at: time) { request, _ in
            guard [.pending, .refused, .disputed].contains(request.status) else { throw Self.wrongState(request, "withdraw") }
            request.status = .withdrawn
            return .init(requestID: request.id, kind: .withdrawn, at: time, actorUserID: actor.userID, actorOrganizationID: actor.organizationID)
        }
    }

    /// Puts every unanswered request past its deadline before the regulator, once; returns those newly escalated.
    /// Run by the periodic service and before the regulator's and providers' views are drawn.
    @discardableResult
    public func escalateOverdue(at time: Date = Date()) async throws -> [ShareRequest] {
        let due = try await database.read { session in
            try await session.query("SELECT id FROM share_requests WHERE status = 'pending' AND escalated_at IS NULL AND deadline < $1", time)
        }.map { try $0.string("id") }
        var escalated: [ShareRequest] = []
        for id in due {
            let draft = AuditDraft(actor: nil, action: "sharing.escalate", objectType: "sharing")
            let request = try? await change(id, audit: draft, at: time) { request, _ in
                guard request.status == .pending, request.escalatedAt == nil, request.deadline < time else { return nil }
                request.escalatedAt = time
                return .init(requestID: request.id, kind: .escalated, at: time, actorUserID: nil, actorOrganizationID: nil,
                             text: "逾期未答复，已提交监管部门 / Not answered in time; escalated to the regulator",
                             detail: ["deadline": Timestamp.format(request.deadline)])
            }
            if let request, request.escalatedAt == time { escalated.append(request) }
        }
        return escalated
    }

    public func request(id: String) async throws -> ShareRequest? {
        try await database.read { try await $0.first("SELECT * FROM share_requests WHERE id = $1", id) }.map(Self.decodeRequest)
    }

    public func events(requestID: String) async throws -> [ShareRequestEvent] {
        try await database.read { try await $0.query("SELECT * FROM share_request_events WHERE request_id = $1 ORDER BY at, id", requestID) }
            .map(Self.decodeEvent)
    }

    public enum Box: String, Sendable, CaseIterable {
        /// Requests to the organisation (a provider's inbox), open ones first by deadline.
        case inbox
        /// Requests by the organisation.
        case outbox
        /// Every request (the regulator and auditors).
        case all
        /// Overdue and arbitration requests: the regulator's desk.
        case escalated
    }

    public func requests(_ box: Box, organizationID: String?, status: ShareRequest.Status? = nil, limit: Int = 200) async throws -> [ShareRequest] {
        var conditions: [String] = []
        var binds: [SQLValue] = []
        switch box {
        case .inbox:
            binds.append(.text(organizationID ?? "")); conditions.append("provider_id = $\(binds.count)")
        case .outbox:
            binds.append(.text(organizationID ?? "")); conditions.append("consumer_id = $\(binds.count)")
        case .all:
            break
        case .escalated:
            conditions.append("((status = 'pending' AND escalated_at IS NOT NULL) OR status = 'arbitration')")
        }
        if let status { binds.append(.text(status.rawValue)); conditions.append("status = $\(binds.count)") }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        // Open requests first, soonest deadline first: what needs an answer comes to the top.
        let order = " ORDER BY CASE WHEN status IN ('pending', 'disputed', 'arbitration') THEN 0 ELSE 1 END, deadline, accepted_at DESC"
        return try await database.read { session in
            try await session.query("SELECT * FROM share_requests\(whereClause)\(order) LIMIT \(max(1, min(limit, 1000)))", binds)
        }.map(Self.decodeRequest)
    }

    /// How a provider answered: what the evaluation (Art. 52) counts against it.
    public struct ResponseRecord: Sendable, Encodable, Equatable {
        public var providerID: String
        public var received = 0
        public var answered = 0
        public var answeredOnTime = 0
        public var answeredLate = 0
        public var overdueOpen = 0
        public var refused = 0
    }

    public func responseRecords(at time: Date = Date()) async throws -> [ResponseRecord] {
        let requests = try await database.read { try await $0.query("SELECT * FROM share_requests") }.map(Self.decodeRequest)
        var records: [String: ResponseRecord] = [:]
        for request in requests where request.status != .withdrawn || request.answeredAt != nil {
            var record = records[request.providerID] ?? ResponseRecord(providerID: request.providerID)
            record.received += 1
            if let answered = request.answeredAt {
                record.answered += 1
                if answered > request.deadline { record.answeredLate += 1 } else { record.answeredOnTime += 1 }
            } else if request.isOverdue(at: time) {
                record.overdueOpen += 1
            }
            if request.refusalReason != nil || request.decision == .refuse { record.refused += 1 }
            records[request.providerID] = record
        }
        return records.values.sorted { $0.providerID < $1.providerID }
    }

    // MARK: Grants

    public func grants(consumerID: String? = nil, entryID: String? = nil, providerID: String? = nil) async throws -> [ShareGrant] {
        var conditions: [String] = []
        var binds: [SQLValue] = []
        for (column, value) in [("consumer_id", consumerID), ("entry_id", entryID), ("provider_id", providerID)] {
            guard let value else { continue }
            binds.append(.text(value))
            conditions.append("\(column) = $\(binds.count)")
        }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return try await database.read { try await $0.query("SELECT * FROM share_grants\(whereClause) ORDER BY created_at DESC", binds) }
            .map(Self.decodeGrant)
    }

    public func grant(id: String) async throws -> ShareGrant? {
        try await database.read { try await $0.first("SELECT * FROM share_grants WHERE id = $1", id) }.map(Self.decodeGrant)
    }

    /// The regulator ends a grant before its time; access stops at once.
    public func revoke(grantID: String, reason: String, by actor: Actor, audit: AuditDraft, at time: Date = Date()) async throws -> ShareGrant {
        try Self.requireText(reason)
        return try await database.transaction { session in
            guard let row = try await session.first("SELECT * FROM share_grants WHERE id = $1\(session.dialect.forUpdate)", grantID) else {
                throw HaiheError.notFound("grant", zh: "授权", id: grantID)
            }
            var grant = try Self.decodeGrant(row)
            guard grant.revokedAt == nil else {
                throw HaiheError.conflict("sharing.revoked", zh: "该授权已撤销", en: "The grant is already revoked")
            }
            grant.revokedAt = time
            grant.revokedBy = actor.userID
            grant.revocationReason = reason
            try await session.execute("UPDATE share_grants SET revoked_at = $2, revoked_by = $3, revocation_reason = $4 WHERE id = $1",
                                      grantID, time, actor.userID, reason)
            if let requestID = grant.requestID {
                try await Self.event(.init(requestID: requestID, kind: .revoked, at: time, actorUserID: actor.userID, actorOrganizationID: actor.organizationID,
                                           text: reason, detail: ["grant": grantID]), in: session)
            }
            try await AuditTrail.append(audit.about(grantID, ["entry": grant.entryID, "consumer": grant.consumerID]), in: session, at: time)
            return grant
        }
    }

    // MARK: Deliveries

    /// Records a delivery (and its audit event) before the data leaves, so that nothing leaves unrecorded.
    public func record(_ delivery: ShareDelivery, audit: AuditDraft) async throws {
        try await database.transaction { session in
            try await session.execute("""
                INSERT INTO share_deliveries (id, kind, entry_id, version_id, recipient_organization_id, recipient_user_id, grant_id, purpose, query,
                    row_count, content_sha256, delivered_at, certificate)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                """, delivery.id, delivery.kind.rawValue, delivery.entryID, delivery.versionID, delivery.recipientOrganizationID, delivery.recipientUserID,
                delivery.grantID, delivery.purpose, delivery.query, delivery.rowCount, delivery.contentSHA256, delivery.deliveredAt, delivery.certificate)
            try await AuditTrail.append(audit.about(delivery.id, ["entry": delivery.entryID, "kind": delivery.kind.rawValue, "rows": String(delivery.rowCount),
                                                                 "grant": delivery.grantID ?? "", "recipient": delivery.recipientOrganizationID]),
                                        in: session, at: delivery.deliveredAt)
        }
    }

    /// Completes a download's record once its last byte is written: row count, content hash and certificate.
    public func finish(deliveryID: String, rowCount: Int, contentSHA256: String, certificate: String?) async throws {
        try await database.transaction { session in
            try await session.execute("UPDATE share_deliveries SET row_count = $2, content_sha256 = $3, certificate = $4 WHERE id = $1",
                                      deliveryID, rowCount, contentSHA256, certificate)
        }
    }

    public func delivery(id: String) async throws -> ShareDelivery? {
        try await database.read { try await $0.first("SELECT * FROM share_deliveries WHERE id = $1", id) }.map(Self.decodeDelivery)
    }

    public func deliveries(recipientID: String? = nil, entryIDs: [String]? = nil, contentSHA256: String? = nil, kind: ShareDelivery.Kind? = nil,
                           limit: Int = 200) async throws -> [ShareDelivery] {
        var conditions: [String] = []
        var binds: [SQLValue] = []
        if let recipientID { binds.append(.text(recipientID)); conditions.append("recipient_organization_id = $\(binds.count)") }
        if let entryIDs {
            if entryIDs.isEmpty { return [] }
            conditions.append("entry_id IN (" + entryIDs.map { binds.append(.text($0)); return "$\(binds.count)" }.joined(separator: ", ") + ")")
        }
        if let contentSHA256 { binds.append(.text(contentSHA256)); conditions.append("content_sha256 = $\(binds.count)") }
        if let kind { binds.append(.text(kind.rawValue)); conditions.append("kind = $\(binds.count)") }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return try await database.read {
            try await $0.query("SELECT * FROM share_deliveries\(whereClause) ORDER BY delivered_at DESC, id LIMIT \(max(1, min(limit, 20_000)))", binds)
        }.map(Self.decodeDelivery)
    }

    /// What a file found outside says about its origin: the trailer's delivery, else an exact copy, else the marker.
    public struct Trace: Sendable, Encodable {
        public var method: String
        public var delivery: ShareDelivery?
        public var trailerIntact: Bool?
        public var agreement: Double?
        public var observedBits: Int?
        public var messageZH: String
        public var messageEN: String
    }

    /// `entryIDs` limits the search to some entries' deliveries (a provider tracing its own data); nil searches all.
    public func trace(_ bytes: [UInt8], fingerprint: DeliveryFingerprint, entryIDs: [String]?) async throws -> Trace {
        let evidence = fingerprint.examine(bytes)
        if let id = evidence.trailerDeliveryID, evidence.trailerIntact, let delivery = try await delivery(id: id), entryIDs?.contains(delivery.entryID) ?? true {
            return Trace(method: "trailer", delivery: delivery, trailerIntact: evidence.trailerIntact,
                         messageZH: evidence.trailerIntact ? "文件末尾的签名标记完好，来自下列交付" : "文件末尾的标记指向下列交付，但文件内容已被改动",
                         messageEN: evidence.trailerIntact ? "The signed trailer is intact: the file is this delivery" : "The trailer names this delivery, but the file was changed")
        }
        if let delivery = try await deliveries(entryIDs: entryIDs, contentSHA256: evidence.fileSHA256, limit: 1).first {
            return Trace(method: "content_hash", delivery: delivery, messageZH: "文件与下列交付的内容完全一致", messageEN: "The file is byte for byte this delivery")
        }
        var best: (ShareDelivery, Int, Int)?
        for delivery in try await deliveries(entryIDs: entryIDs, kind: .download, limit: 20_000) {
            let (agree, observed) = fingerprint.agreement(evidence, deliveryID: delivery.id)
            if best == nil || agree > best!.1 { best = (delivery, agree, observed) }
        }
        if let (delivery, agree, observed) = best, DeliveryFingerprint.isMatch(agree: agree, observed: observed) {
            return Trace(method: "marker", delivery: delivery, agreement: Double(agree) / Double(max(observed, 1)), observedBits: observed,
                         messageZH: "文件的隐写标记与下列交付一致（\(agree)/\(observed) 位）", messageEN: "The file's marker matches this delivery (\(agree) of \(observed) bits)")
        }
        // A trailer that does not verify (the file was changed, or the trailer swapped) is reported, not trusted.
        if let id = evidence.trailerDeliveryID, let delivery = try await delivery(id: id), entryIDs?.contains(delivery.entryID) ?? true {
            return Trace(method: "trailer", delivery: delivery, trailerIntact: false, observedBits: evidence.observed.count,
                         messageZH: "文件末尾的标记指向下列交付，但签名不符：文件已被改动或标记被替换，隐写标记也不足以确认",
                         messageEN: "The trailer names this delivery but its signature fails: the file was changed or the trailer swapped, and the marker does not confirm it")
        }
        return Trace(method: "none", observedBits: evidence.observed.count, messageZH: "未能确定文件来源：没有签名标记，也没有足够的隐写标记",
                     messageEN: "The file could not be traced: no trailer and not enough of a marker")
    }

    // MARK: Internals

    /// Loads the request under lock, applies `body`'s change, stores it with its timeline step and audit event.
    func change(_ requestID: String, audit: AuditDraft, at time: Date,
                _ body: @Sendable (inout ShareRequest, any SQLSession) async throws -> ShareRequestEvent?) async throws -> ShareRequest {
        try await database.transaction { session in
            guard let row = try await session.first("SELECT * FROM share_requests WHERE id = $1\(session.dialect.forUpdate)", requestID) else {
                throw HaiheError.notFound("share_request", zh: "共享申请", id: requestID)
            }
            var request = try Self.decodeRequest(row)
            guard let event = try await body(&request, session) else { return request }
            try await session.execute("""
                UPDATE share_requests SET status = $2, answered_at = $3, refusal_reason = $4, refusal_basis = $5, decision = $6, decided_at = $7,
                    escalated_at = $8, grant_id = $9 WHERE id = $1
                """, request.id, request.status.rawValue, request.answeredAt, request.refusalReason, request.refusalBasis, request.decision?.rawValue,
                request.decidedAt, request.escalatedAt, request.grantID)
            try await Self.event(event, in: session)
            var detail = event.detail
            detail["status"] = request.status.rawValue
            detail["entry"] = request.entryID
            try await AuditTrail.append(audit.about(request.id, detail), in: session, at: time)
            return request
        }
    }

    static func createGrant(for request: ShareRequest, fields: [String], endsAt: Date, at time: Date, in session: any SQLSession) async throws -> ShareGrant {
        let grant = ShareGrant(requestID: request.id, entryID: request.entryID, consumerID: request.consumerID, providerID: request.providerID,
                               fields: fields, purpose: request.purpose, startsAt: request.periodStart, endsAt: endsAt,
                               createdAt: time)
        try await session.execute("""
            INSERT INTO share_grants (id, request_id, entry_id, consumer_id, provider_id, fields, purpose, starts_at, ends_at, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """, grant.id, grant.requestID, grant.entryID, grant.consumerID, grant.providerID, json(grant.fields), grant.purpose, grant.startsAt,
            grant.endsAt, grant.createdAt)
        return grant
    }

    /// The fields granted: those asked for (all of the entry when none were named), optionally narrowed, never widened.
    static func narrowed(_ fields: [String]?, of request: ShareRequest, entry: CatalogEntry) throws -> [String] {
        let asked = request.fields.isEmpty ? entry.fields.map(\.name) : request.fields
        guard let fields else { return asked }
        // An empty list is not "everything": it is a mistake, and must not fail open.
        guard !fields.isEmpty else {
            throw HaiheError.invalid("sharing.no_fields", zh: "请至少选择一个共享的信息项", en: "Choose at least one field to share")
        }
        let outside = fields.filter { !asked.contains($0) }
        guard outside.isEmpty else {
            throw HaiheError.invalid("sharing.widened", zh: "只能在申请的信息项范围内缩小，不能增加：\(outside.joined(separator: "、"))",
                                     en: "Approval may narrow the fields asked for, not add to them: \(outside.joined(separator: ", "))")
        }
        return asked.filter { fields.contains($0) }
    }

    static func narrowed(_ end: Date?, of request: ShareRequest) throws -> Date {
        guard let end else { return request.periodEnd }
        guard end <= request.periodEnd, end > request.periodStart else {
            throw HaiheError.invalid("sharing.period_widened", zh: "批准的期限只能在申请期限之内", en: "The period approved must lie within the period asked for")
        }
        return end
    }

    static func requireText(_ text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw HaiheError.invalid("sharing.text_missing", zh: "请填写说明", en: "Write an explanation") }
        guard trimmed.count <= 4000 else { throw HaiheError.invalid("sharing.text_long", zh: "说明不超过 4000 字", en: "At most 4,000 characters") }
    }

    static func wrongState(_ request: ShareRequest, _ step: String) -> HaiheError {
        HaiheError.conflict("sharing.state", zh: "申请当前状态为“\(request.status.labelZH)”，不能执行此操作", en: "The request is \(request.status.rawValue); '\(step)' is not possible now")
    }

    static func event(_ event: ShareRequestEvent, in session: any SQLSession) async throws {
        try await session.execute("""
            INSERT INTO share_request_events (id, request_id, kind, at, actor_user_id, actor_organization_id, text, detail)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """, event.id, event.requestID, event.kind.rawValue, event.at, event.actorUserID, event.actorOrganizationID, event.text,
            String(decoding: try JSONEncoder().encode(event.detail), as: UTF8.self))
    }

    static func json(_ list: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(list)) ?? Data("[]".utf8), as: UTF8.self)
    }

    static func list(_ text: String?) -> [String] {
        guard let text else { return [] }
        return (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }

    static func decodeRequest(_ row: SQLRow) throws -> ShareRequest {
        var request = ShareRequest(id: try row.string("id"), entryID: try row.string("entry_id"), resourceCode: try row.string("resource_code"),
                                   entryTitle: try row.string("entry_title"), providerID: try row.string("provider_id"), consumerID: try row.string("consumer_id"),
                                   requestedBy: try row.string("requested_by"), fields: list(row.optionalString("fields")), purpose: try row.string("purpose"),
                                   duty: try row.string("duty"), legalBasis: try row.string("legal_basis"), periodStart: try row.date("period_start"),
                                   periodEnd: try row.date("period_end"), acceptedAt: try row.date("accepted_at"), deadline: try row.date("deadline"))
        request.status = ShareRequest.Status(rawValue: try row.string("status")) ?? .pending
        request.answeredAt = row.optionalDate("answered_at")
        request.refusalReason = row.optionalString("refusal_reason")
        request.refusalBasis = row.optionalString("refusal_basis")
        request.decision = row.optionalString("decision").flatMap(ShareRequest.Decision.init)
        request.decidedAt = row.optionalDate("decided_at")
        request.escalatedAt = row.optionalDate("escalated_at")
        request.grantID = row.optionalString("grant_id")
        return request
    }

    static func decodeEvent(_ row: SQLRow) throws -> ShareRequestEvent {
        var event = ShareRequestEvent(requestID: try row.string("request_id"), kind: ShareRequestEvent.Kind(rawValue: try row.string("kind")) ?? .message,
                                      at: try row.date("at"), actorUserID: row.optionalString("actor_user_id"),
                                      actorOrganizationID: row.optionalString("actor_organization_id"), text: row.optionalString("text"),
                                      detail: (try? JSONDecoder().decode([String: String].self, from: Data((row.optionalString("detail") ?? "{}").utf8))) ?? [:])
        event.id = try row.string("id")
        return event
    }

    static func decodeGrant(_ row: SQLRow) throws -> ShareGrant {
        var grant = ShareGrant(id: try row.string("id"), requestID: row.optionalString("request_id"), entryID: try row.string("entry_id"),
                               consumerID: try row.string("consumer_id"), providerID: try row.string("provider_id"), fields: list(row.optionalString("fields")),
                               purpose: try row.string("purpose"), startsAt: try row.date("starts_at"), endsAt: try row.date("ends_at"),
                               createdAt: try row.date("created_at"))
        grant.revokedAt = row.optionalDate("revoked_at")
        grant.revokedBy = row.optionalString("revoked_by")
        grant.revocationReason = row.optionalString("revocation_reason")
        return grant
    }

    static func decodeDelivery(_ row: SQLRow) throws -> ShareDelivery {
        var delivery = ShareDelivery(id: try row.string("id"), kind: ShareDelivery.Kind(rawValue: try row.string("kind")) ?? .page, entryID: try row.string("entry_id"),
                                     versionID: try row.string("version_id"), recipientOrganizationID: try row.string("recipient_organization_id"),
                                     recipientUserID: try row.string("recipient_user_id"), grantID: row.optionalString("grant_id"),
                                     purpose: row.optionalString("purpose"), query: try row.string("query"), rowCount: try row.int("row_count"),
                                     contentSHA256: try row.string("content_sha256"), deliveredAt: try row.date("delivered_at"))
        delivery.certificate = row.optionalString("certificate")
        return delivery
    }
}
