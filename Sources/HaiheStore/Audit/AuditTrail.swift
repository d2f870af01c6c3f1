import Crypto
import Foundation
import HaiheCore

/// Filters for searching the audit trail, as auditors and the regulator use them.
public struct AuditFilter: Sendable, Equatable {
    public var actor: String?          // user id or username
    public var organizationID: String?
    public var objectID: String?
    public var action: String?         // exact, or a prefix ending in "." (e.g. "user.")
    public var outcome: AuditEvent.Outcome?
    public var from: Date?
    public var until: Date?

    public init(actor: String? = nil, organizationID: String? = nil, objectID: String? = nil, action: String? = nil,
                outcome: AuditEvent.Outcome? = nil, from: Date? = nil, until: Date? = nil) {
        self.actor = actor
        self.organizationID = organizationID
        self.objectID = objectID
        self.action = action
        self.outcome = outcome
        self.from = from
        self.until = until
    }
}

/// 审计日志: the hash-chained, append-only record of every action and data access.
public struct AuditTrail: Sendable {
    let database: any SQLDatabase

    static let columns = "sequence, id, occurred_at, actor_user_id, actor_username, actor_organization_id, action, object_type, object_id, outcome, client_address, request_id, detail, previous_hash, hash"

    /// Appends an event inside the caller's transaction, so the event and the change it records
    /// commit or vanish together. The head row is locked until commit: appenders take turns.
    @discardableResult
    public static func append(_ draft: AuditDraft, in session: any SQLSession, at time: Date = Date()) async throws -> AuditEvent {
        guard let head = try await session.first("SELECT sequence, hash FROM audit_head WHERE id = 1\(session.dialect.forUpdate)") else {
            throw StoreError.connection("the audit chain head is missing")
        }
        let event = draft.seal(sequence: try head.int("sequence") + 1, previousHash: try head.string("hash"), at: time)
        try await session.execute(
            "INSERT INTO audit_events (\(columns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
            event.sequence, event.id, event.occurredAt, event.actorUserID, event.actorUsername, event.actorOrganizationID,
            event.action, event.objectType, event.objectID, event.outcome.rawValue, event.clientAddress, event.requestID,
            event.detail, event.previousHash, event.hash)
        try await session.execute("UPDATE audit_head SET sequence = $1, hash = $2 WHERE id = 1", event.sequence, event.hash)
        return event
    }

    /// Records an event in a transaction of its own (denied requests, reads).
    @discardableResult
    public func record(_ draft: AuditDraft, at time: Date = Date()) async throws -> AuditEvent {
        try await database.transaction { try await Self.append(draft, in: $0, at: time) }
    }

    public func search(_ filter: AuditFilter, limit: Int = 50, offset: Int = 0) async throws -> (events: [AuditEvent], total: Int) {
        var conditions: [String] = []
        var binds: [SQLValue] = []
        func add(_ condition: (Int) -> String, _ value: SQLValue) {
            binds.append(value)
            conditions.append(condition(binds.count))
        }
        if let actor = filter.actor { binds.append(.text(actor)); conditions.append("(actor_user_id = $\(binds.count) OR actor_username = $\(binds.count))") }
        if let org = filter.organizationID { add({ "actor_organization_id = $\($0)" }, .text(org)) }
        if let object = filter.objectID { add({ "object_id = $\($0)" }, .text(object)) }
        if let action = filter.action {
            if action.hasSuffix(".") { add({ "action LIKE $\($0)" }, .text(action + "%")) } else { add({ "action = $\($0)" }, .text(action)) }
        }
        if let outcome = filter.outcome { add({ "outcome = $\($0)" }, .text(outcome.rawValue)) }
        if let from = filter.from { add({ "occurred_at >= $\($0)" }, from.sqlValue) }
        if let until = filter.until { add({ "occurred_at < $\($0)" }, until.sqlValue) }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return try await database.read { session in
            let total = try await session.query("SELECT COUNT(*) AS n FROM audit_events\(whereClause)", binds).first?.int("n") ?? 0
            let rows = try await session.query(
                "SELECT \(Self.columns) FROM audit_events\(whereClause) ORDER BY sequence DESC LIMIT \(max(1, min(limit, 1000))) OFFSET \(max(0, offset))", binds)
            return (try rows.map(Self.decode), total)
        }
    }

    /// Every event in chain order, read in pages so the trail can be verified at any size.
    public func allEvents(pageSize: Int = 5000) async throws -> [AuditEvent] {
        var events: [AuditEvent] = []
        var after = Int64.min
        while true {
            let page = try await database.read { session in
                try await session.query("SELECT \(Self.columns) FROM audit_events WHERE sequence > $1 ORDER BY sequence LIMIT \(pageSize)", after)
            }
            events += try page.map(Self.decode)
            guard page.count == pageSize, let last = events.last else { break }
            after = Int64(last.sequence)
        }
        return events
    }

    public func checkpoints() async throws -> [AuditCheckpoint] {
        try await database.read { session in
            try await session.query("SELECT sequence, head_hash, signed_at, public_key, signature FROM audit_checkpoints ORDER BY sequence")
        }.map { row in
            AuditCheckpoint(sequence: try row.int("sequence"), headHash: try row.string("head_hash"), signedAt: try row.date("signed_at"),
                            publicKey: try row.string("public_key"), signature: try row.string("signature"))
        }
    }

    /// Signs the current chain head with the node's key and records that it did.
    /// Returns nil when the chain is empty or the head is already signed by this key.
    @discardableResult
    public func checkpoint(key nodeKey: NodeKey, actor: Subject? = nil, requestID: String? = nil,
                           at time: Date = Date()) async throws -> AuditCheckpoint? {
        let key = nodeKey.privateKey
        return try await database.transaction { session -> AuditCheckpoint? in
            guard let head = try await session.first("SELECT sequence, hash FROM audit_head WHERE id = 1\(session.dialect.forUpdate)") else { return nil }
            let sequence = try head.int("sequence")
            let publicKey = key.publicKey.rawRepresentation.hexString
            if sequence == 0 { return nil }
            if try await session.first("SELECT sequence FROM audit_checkpoints WHERE sequence = $1 AND public_key = $2", sequence, publicKey) != nil {
                return nil
            }
            // Nothing happened since this key's last checkpoint but the checkpoint's own record: nothing new to sign.
            if try await session.first("""
                SELECT e.sequence FROM audit_events e JOIN audit_checkpoints c ON c.sequence = e.sequence - 1 AND c.public_key = $2
                WHERE e.sequence = $1 AND e.action = $3
                """, sequence, publicKey, Action.auditCheckpoint.rawValue) != nil {
                return nil
            }
            let checkpoint = try AuditCheckpoint.sign(sequence: sequence, headHash: try head.string("hash"), at: time, key: key)
            try await session.execute(
                "INSERT INTO audit_checkpoints (sequence, head_hash, signed_at, public_key, signature) VALUES ($1, $2, $3, $4, $5)",
                checkpoint.sequence, checkpoint.headHash, checkpoint.signedAt, checkpoint.publicKey, checkpoint.signature)
            try await Self.append(AuditDraft(actor: actor, action: Action.auditCheckpoint.rawValue, objectType: "audit",
                                             objectID: String(sequence), requestID: requestID,
                                             detail: ["head_hash": checkpoint.headHash, "public_key": publicKey]), in: session, at: time)
            return checkpoint
        }
    }

    /// Walks the whole chain and its checkpoints.
    public func verify(trustedKeys: Set<String>? = nil) async throws -> AuditVerifier.Report {
        AuditVerifier(trustedKeys: trustedKeys).verify(events: try await allEvents(), checkpoints: try await checkpoints())
    }

    static func decode(_ row: SQLRow) throws -> AuditEvent {
        AuditEvent(sequence: try row.int("sequence"), id: try row.string("id"), occurredAt: try row.date("occurred_at"),
                   actorUserID: row.optionalString("actor_user_id"), actorUsername: row.optionalString("actor_username"),
                   actorOrganizationID: row.optionalString("actor_organization_id"), action: try row.string("action"),
                   objectType: try row.string("object_type"), objectID: row.optionalString("object_id"),
                   outcome: AuditEvent.Outcome(rawValue: try row.string("outcome")) ?? .failed,
                   clientAddress: row.optionalString("client_address"), requestID: row.optionalString("request_id"),
                   detail: try row.string("detail"), previousHash: try row.string("previous_hash"), hash: try row.string("hash"))
    }
}
