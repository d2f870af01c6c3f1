import Foundation
import HaiheCore

/// 互动反馈 in the database: data requests, error reports and comments, each with a deadline on the working-day
/// calendar and answered once by the department concerned; every step commits with its audit event.
public struct FeedbackStore: Sendable {
    let database: any SQLDatabase
    let calendar: CalendarStore

    /// Records what someone sent. For an error report or a comment `entry` is the open dataset; a data request may
    /// name a department (`providerID`) or none, and then the regulator answers it.
    public func submit(kind: Feedback.Kind, entry: CatalogEntry?, providerID: String?, author: User, title: String, body: String, field: String?,
                       rating: Int?, audit: AuditDraft, at time: Date = Date()) async throws -> Feedback {
        if kind != .dataRequest, entry == nil {
            throw HaiheError.invalid("feedback.dataset", zh: "纠错和评论须针对一个开放数据集", en: "Error reports and comments are about an open dataset")
        }
        try Feedback.validate(kind: kind, title: title, body: body, rating: rating, field: field, fields: entry?.fields ?? [])
        let deadline = try await calendar.calendar().deadline(accepted: time, workingDays: Feedback.answerWorkingDays)
        let feedback = Feedback(kind: kind, entryID: entry?.entryID, resourceCode: entry?.resourceCode, entryTitle: entry?.title,
                                providerID: entry?.providerID ?? providerID, authorUserID: author.id, authorName: author.displayName,
                                title: title.trimmingCharacters(in: .whitespacesAndNewlines), body: body.trimmingCharacters(in: .whitespacesAndNewlines),
                                field: field.flatMap { $0.isEmpty ? nil : $0 }, rating: rating, createdAt: time, deadline: deadline)
        let rated = HaiheError.conflict("feedback.rated", zh: "您已为该数据集评过分", en: "You have already rated this dataset")
        do {
            try await database.transaction { session in
                if rating != nil, let entryID = feedback.entryID, try await session.first(
                    "SELECT id FROM open_feedback WHERE entry_id = $1 AND author_user_id = $2 AND rating IS NOT NULL", entryID, author.id) != nil {
                    throw rated
                }
                try await session.execute("""
                    INSERT INTO open_feedback (id, kind, entry_id, resource_code, entry_title, provider_id, author_user_id, author_name, title, body,
                        field, rating, status, created_at, deadline)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
                    """, feedback.id, feedback.kind.rawValue, feedback.entryID, feedback.resourceCode, feedback.entryTitle, feedback.providerID,
                    feedback.authorUserID, feedback.authorName, feedback.title, feedback.body, feedback.field, feedback.rating, feedback.status.rawValue,
                    feedback.createdAt, feedback.deadline)
                try await AuditTrail.append(audit.about(feedback.id, ["kind": kind.rawValue, "entry": feedback.entryID ?? "", "deadline": Timestamp.format(deadline)]),
                                            in: session, at: time)
            }
        } catch where isUniqueViolation(error) {
            // Two rated comments at once: the check passed for both, the unique index let one in.
            throw rated
        }
        return feedback
    }

    /// The answer, once: a resolution that fits the kind and a text the public will read with it.
    /// `organizationID` is the answerer's organisation, shown with the answer.
    public func answer(_ id: String, resolution: Feedback.Resolution, text: String, by userID: String, organizationID: String, audit: AuditDraft,
                       at time: Date = Date()) async throws -> Feedback {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 4000 else {
            throw HaiheError.invalid("feedback.answer", zh: "请填写答复内容（不超过 4000 字）", en: "Write the answer (at most 4,000 characters)")
        }
        return try await database.transaction { session in
            guard let row = try await session.first("SELECT * FROM open_feedback WHERE id = $1\(session.dialect.forUpdate)", id) else {
                throw HaiheError.notFound("feedback", zh: "反馈", id: id)
            }
            var feedback = try Self.decode(row)
            guard feedback.status == .pending else {
                throw HaiheError.conflict("feedback.answered", zh: "该反馈已答复", en: "This has been answered already")
            }
            guard resolution.kind == feedback.kind else {
                throw HaiheError.invalid("feedback.resolution", zh: "答复结果“\(resolution.labelZH)”不适用于\(feedback.kind.labelZH)",
                                         en: "'\(resolution.rawValue)' does not answer a \(feedback.kind.rawValue)")
            }
            feedback.status = .answered
            feedback.resolution = resolution
            feedback.answer = text
            feedback.answeredBy = userID
            feedback.answeredByOrganization = organizationID
            feedback.answeredAt = time
            try await session.execute("""
                UPDATE open_feedback SET status = $2, resolution = $3, answer = $4, answered_by = $5, answered_by_org = $6, answered_at = $7 WHERE id = $1
                """, id, feedback.status.rawValue, resolution.rawValue, text, userID, organizationID, time)
            try await AuditTrail.append(audit.about(id, ["resolution": resolution.rawValue, "late": String(time > feedback.deadline)]), in: session, at: time)
            return feedback
        }
    }

    public func feedback(id: String) async throws -> Feedback? {
        try await database.read { try await $0.first("SELECT * FROM open_feedback WHERE id = $1", id) }.map(Self.decode)
    }

    /// Which feedback to list: about one dataset, of one kind, one author's, or one department's inbox; none of these
    /// for oversight, which sees everything.
    public struct Filter: Sendable {
        public var entryID: String?
        public var kind: Feedback.Kind?
        public var authorUserID: String?
        public var providerID: String?
        public var pendingFirst = false
        public var limit = 200
        public var offset = 0

        public init(entryID: String? = nil, kind: Feedback.Kind? = nil, authorUserID: String? = nil, providerID: String? = nil,
                    pendingFirst: Bool = false, limit: Int = 200, offset: Int = 0) {
            self.entryID = entryID
            self.kind = kind
            self.authorUserID = authorUserID
            self.providerID = providerID
            self.pendingFirst = pendingFirst
            self.limit = limit
            self.offset = offset
        }
    }

    /// The matching feedback, newest first (or, for an inbox, pending first by deadline), with the total.
    public func list(_ filter: Filter) async throws -> (items: [Feedback], total: Int) {
        var conditions: [String] = []
        var binds: [SQLValue] = []
        func add(_ column: String, _ value: String?) {
            guard let value else { return }
            binds.append(.text(value))
            conditions.append("\(column) = $\(binds.count)")
        }
        add("entry_id", filter.entryID)
        add("kind", filter.kind?.rawValue)
        add("author_user_id", filter.authorUserID)
        add("provider_id", filter.providerID)
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let order = filter.pendingFirst ? "CASE WHEN status = 'pending' THEN 0 ELSE 1 END, deadline, created_at DESC" : "created_at DESC, id"
        let countSQL = "SELECT COUNT(*) AS n FROM open_feedback\(whereClause)"
        let pageSQL = "SELECT * FROM open_feedback\(whereClause) ORDER BY \(order) LIMIT \(max(1, min(filter.limit, 500))) OFFSET \(max(0, min(filter.offset, 1_000_000)))"
        let arguments = binds
        let total = try await database.read { try await $0.query(countSQL, arguments).first?.int("n") } ?? 0
        let rows = try await database.read { try await $0.query(pageSQL, arguments) }
        return (try rows.map(Self.decode), total)
    }

    /// A dataset's average rating and how many rated it.
    public func rating(entryID: String) async throws -> (average: Double?, count: Int) {
        let row = try await database.read { session in
            try await session.first("SELECT AVG(rating * 1.0) AS average, COUNT(rating) AS n FROM open_feedback WHERE entry_id = $1 AND rating IS NOT NULL", entryID)
        }
        let count = try row?.int("n") ?? 0
        let average: Double? = switch row?["average"] {
        case .real(let value): value
        case .integer(let value): Double(value)
        case .text(let text): Double(text)
        default: nil
        }
        return (count == 0 ? nil : average, count)
    }

    static func decode(_ row: SQLRow) throws -> Feedback {
        var feedback = Feedback(id: try row.string("id"), kind: Feedback.Kind(rawValue: try row.string("kind")) ?? .comment, entryID: row.optionalString("entry_id"),
                                resourceCode: row.optionalString("resource_code"), entryTitle: row.optionalString("entry_title"),
                                providerID: row.optionalString("provider_id"), authorUserID: try row.string("author_user_id"),
                                authorName: try row.string("author_name"), title: try row.string("title"), body: try row.string("body"),
                                field: row.optionalString("field"), rating: row.optionalInt("rating"), createdAt: try row.date("created_at"),
                                deadline: try row.date("deadline"))
        feedback.status = Feedback.Status(rawValue: try row.string("status")) ?? .pending
        feedback.resolution = row.optionalString("resolution").flatMap(Feedback.Resolution.init(rawValue:))
        feedback.answer = row.optionalString("answer")
        feedback.answeredBy = row.optionalString("answered_by")
        feedback.answeredByOrganization = row.optionalString("answered_by_org")
        feedback.answeredAt = row.optionalDate("answered_at")
        return feedback
    }
}

/// 成果展示 in the database: submitted uses wait for the regulator's review; published ones are listed on the portal
/// and on the pages of the datasets they use.
public struct ShowcaseStore: Sendable {
    let database: any SQLDatabase

    /// `datasets` are open entries the caller has already looked up (the caller checks each is in the open catalog).
    public func submit(kind: UseCase.Kind, title: String, description: String, url: String, byline: String?, datasets: [CatalogEntry], submitter: User,
                       audit: AuditDraft, at time: Date = Date()) async throws -> UseCase {
        let url = url.trimmingCharacters(in: .whitespacesAndNewlines)
        try UseCase.validate(title: title, description: description, url: url, datasets: datasets.count)
        let entryIDs = Array(Set(datasets.map(\.entryID))).sorted()
        let byline = byline?.trimmingCharacters(in: .whitespacesAndNewlines)
        let useCase = UseCase(kind: kind, title: title.trimmingCharacters(in: .whitespacesAndNewlines), description: description.trimmingCharacters(in: .whitespacesAndNewlines),
                              url: url, submitterUserID: submitter.id, submitterName: submitter.displayName,
                              byline: (byline?.isEmpty ?? true) ? nil : String(byline!.prefix(200)), entryIDs: entryIDs, createdAt: time)
        try await database.transaction { session in
            try await session.execute("""
                INSERT INTO use_cases (id, kind, title, description, url, submitter_user_id, submitter_name, byline, status, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                """, useCase.id, useCase.kind.rawValue, useCase.title, useCase.description, useCase.url, useCase.submitterUserID, useCase.submitterName,
                useCase.byline, useCase.status.rawValue, useCase.createdAt)
            for entryID in entryIDs {
                try await session.execute("INSERT INTO use_case_datasets (use_case_id, entry_id) VALUES ($1, $2)", useCase.id, entryID)
            }
            try await AuditTrail.append(audit.about(useCase.id, ["datasets": entryIDs.joined(separator: ",")]), in: session, at: time)
        }
        return useCase
    }

    /// The regulator's review, once: publish, or reject with a note the submitter reads.
    public func review(_ id: String, publish: Bool, note: String?, by userID: String, audit: AuditDraft, at time: Date = Date()) async throws -> UseCase {
        let note = note?.trimmingCharacters(in: .whitespacesAndNewlines)
        if !publish, note?.isEmpty ?? true {
            throw HaiheError.invalid("showcase.note", zh: "不予展示须说明理由", en: "A rejection needs a reason")
        }
        guard (note?.count ?? 0) <= 1000 else {
            throw HaiheError.invalid("showcase.note", zh: "审核意见不超过 1000 字", en: "A review note is limited to 1,000 characters")
        }
        return try await database.transaction { session in
            guard let row = try await session.first("SELECT * FROM use_cases WHERE id = $1\(session.dialect.forUpdate)", id) else {
                throw HaiheError.notFound("use_case", zh: "应用成果", id: id)
            }
            var useCase = try await Self.decode(row, in: session)
            guard useCase.status == .pending else {
                throw HaiheError.conflict("showcase.reviewed", zh: "该成果已审核", en: "This submission has been reviewed already")
            }
            useCase.status = publish ? .published : .rejected
            useCase.reviewNote = (note?.isEmpty ?? true) ? nil : note
            useCase.reviewedBy = userID
            useCase.reviewedAt = time
            try await session.execute("UPDATE use_cases SET status = $2, review_note = $3, reviewed_by = $4, reviewed_at = $5 WHERE id = $1",
                                      id, useCase.status.rawValue, useCase.reviewNote, userID, time)
            try await AuditTrail.append(audit.about(id, ["status": useCase.status.rawValue]), in: session, at: time)
            return useCase
        }
    }

    public func useCase(id: String) async throws -> UseCase? {
        try await database.read { session in
            guard let row = try await session.first("SELECT * FROM use_cases WHERE id = $1", id) else { return nil }
            return try await Self.decode(row, in: session)
        }
    }

    /// Uses in a state (published for the public), optionally only those using one dataset, or one submitter's; newest first.
    public func list(status: UseCase.Status? = nil, entryID: String? = nil, submitterUserID: String? = nil, limit: Int = 100) async throws -> [UseCase] {
        var conditions: [String] = []
        var binds: [SQLValue] = []
        if let status { binds.append(.text(status.rawValue)); conditions.append("status = $\(binds.count)") }
        if let submitterUserID { binds.append(.text(submitterUserID)); conditions.append("submitter_user_id = $\(binds.count)") }
        if let entryID {
            binds.append(.text(entryID))
            conditions.append("id IN (SELECT use_case_id FROM use_case_datasets WHERE entry_id = $\(binds.count))")
        }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return try await database.read { session in
            var result: [UseCase] = []
            for row in try await session.query("SELECT * FROM use_cases\(whereClause) ORDER BY created_at DESC, id LIMIT \(max(1, min(limit, 500)))", binds) {
                result.append(try await Self.decode(row, in: session))
            }
            return result
        }
    }

    static func decode(_ row: SQLRow, in session: any SQLSession) async throws -> UseCase {
        let id = try row.string("id")
        let entryIDs = try await session.query("SELECT entry_id FROM use_case_datasets WHERE use_case_id = $1 ORDER BY entry_id", id).map { try $0.string("entry_id") }
        var useCase = UseCase(id: id, kind: UseCase.Kind(rawValue: try row.string("kind")) ?? .app, title: try row.string("title"),
                              description: try row.string("description"), url: try row.string("url"), submitterUserID: try row.string("submitter_user_id"),
                              submitterName: try row.string("submitter_name"), byline: row.optionalString("byline"), entryIDs: entryIDs,
                              createdAt: try row.date("created_at"))
        useCase.status = UseCase.Status(rawValue: try row.string("status")) ?? .pending
        useCase.reviewNote = row.optionalString("review_note")
        useCase.reviewedBy = row.optionalString("reviewed_by")
        useCase.reviewedAt = row.optionalDate("reviewed_at")
        return useCase
    }
}
