import Foundation

/// 共享申请 (Art. 17): a department asks another for a conditional-sharing entry, or some of its fields.
public struct ShareRequest: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        /// 已受理，待答复: accepted at submission; the provider has two working days.
        case pending
        /// 已同意: a grant was made.
        case approved
        /// 不同意: refused with a reason and a basis.
        case refused
        /// 协商中: the consumer disputes the refusal; both sides negotiate.
        case disputed
        /// 待裁决: either side asked the regulator to decide.
        case arbitration
        /// 已裁决: the regulator decided; final.
        case decided
        /// 已撤回: the consumer withdrew it.
        case withdrawn

        public var labelZH: String {
            switch self {
            case .pending: "待答复"
            case .approved: "已同意"
            case .refused: "不同意"
            case .disputed: "协商中"
            case .arbitration: "待裁决"
            case .decided: "已裁决"
            case .withdrawn: "已撤回"
            }
        }

        public var isFinal: Bool { self == .approved || self == .decided || self == .withdrawn }
    }

    /// The regulator's decision (市互联网信息主管部门研究决定).
    public enum Decision: String, Sendable, Codable, CaseIterable {
        case share, sharePartly = "share_partly", refuse

        public var labelZH: String {
            switch self {
            case .share: "共享"
            case .sharePartly: "部分共享"
            case .refuse: "不予共享"
            }
        }
    }

    public var id: String
    public var entryID: String
    public var resourceCode: String
    public var entryTitle: String
    public var providerID: String
    public var consumerID: String
    public var requestedBy: String
    /// Empty means the whole entry.
    public var fields: [String]
    public var purpose: String
    /// The duty (履行职责) the data serves.
    public var duty: String
    public var legalBasis: String
    public var periodStart: Date
    public var periodEnd: Date
    public var status: Status
    public var acceptedAt: Date
    /// End of the second working day after acceptance (Beijing time).
    public var deadline: Date
    public var answeredAt: Date?
    public var refusalReason: String?
    public var refusalBasis: String?
    public var decision: Decision?
    public var decidedAt: Date?
    /// When the platform put the unanswered request before the regulator.
    public var escalatedAt: Date?
    public var grantID: String?

    public init(id: String = Identifier.make(), entryID: String, resourceCode: String, entryTitle: String, providerID: String, consumerID: String,
                requestedBy: String, fields: [String], purpose: String, duty: String, legalBasis: String, periodStart: Date, periodEnd: Date,
                acceptedAt: Date, deadline: Date) {
        self.id = id
        self.entryID = entryID
        self.resourceCode = resourceCode
        self.entryTitle = entryTitle
        self.providerID = providerID
        self.consumerID = consumerID
        self.requestedBy = requestedBy
        self.fields = fields
        self.purpose = purpose
        self.duty = duty
        self.legalBasis = legalBasis
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.status = .pending
        self.acceptedAt = acceptedAt
        self.deadline = deadline
    }

    public func isOverdue(at time: Date) -> Bool { status == .pending && time > deadline }

    /// Answered after the deadline, or not at all by now: counts against the provider (Art. 52 evaluation).
    public func wasLate(at time: Date) -> Bool {
        if let answeredAt { return answeredAt > deadline }
        return isOverdue(at: time)
    }
}

/// A step on a request's timeline: every action and message, in order.
public struct ShareRequestEvent: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case submitted, approved, refused, disputed, message, arbitrationRequested = "arbitration_requested", decided, withdrawn, escalated, revoked
    }

    public var id: String
    public var requestID: String
    public var kind: Kind
    public var at: Date
    public var actorUserID: String?
    public var actorOrganizationID: String?
    public var text: String?
    public var detail: [String: String]

    public init(requestID: String, kind: Kind, at: Date, actorUserID: String?, actorOrganizationID: String?, text: String? = nil, detail: [String: String] = [:]) {
        self.id = Identifier.make()
        self.requestID = requestID
        self.kind = kind
        self.at = at
        self.actorUserID = actorUserID
        self.actorOrganizationID = actorOrganizationID
        self.text = text
        self.detail = detail
    }
}

/// 授权 (Art. 18): what a consumer may receive of an entry, for what purpose and until when.
public struct ShareGrant: Sendable, Codable, Equatable {
    public var id: String
    public var requestID: String?
    public var entryID: String
    public var consumerID: String
    public var providerID: String
    /// The fields that may leave the server; never empty.
    public var fields: [String]
    public var purpose: String
    public var startsAt: Date
    public var endsAt: Date
    public var createdAt: Date
    public var revokedAt: Date?
    public var revokedBy: String?
    public var revocationReason: String?

    public init(id: String = Identifier.make(), requestID: String?, entryID: String, consumerID: String, providerID: String, fields: [String], purpose: String,
                startsAt: Date, endsAt: Date, createdAt: Date) {
        self.id = id
        self.requestID = requestID
        self.entryID = entryID
        self.consumerID = consumerID
        self.providerID = providerID
        self.fields = fields
        self.purpose = purpose
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.createdAt = createdAt
    }

    public func isLive(at time: Date) -> Bool { revokedAt == nil && startsAt <= time && time <= endsAt }
}

/// 交付记录: one page or file of data that left the platform for a recipient, so a copy found elsewhere can be traced.
public struct ShareDelivery: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable { case page, download }

    public var id: String
    public var kind: Kind
    public var entryID: String
    public var versionID: String
    public var recipientOrganizationID: String
    public var recipientUserID: String
    public var grantID: String?
    public var purpose: String?
    /// The query as the recipient asked it (filters, fields, sort, page).
    public var query: String
    public var rowCount: Int
    /// SHA-256 of exactly the bytes delivered (hex); empty until a download has finished.
    public var contentSHA256: String
    public var deliveredAt: Date
    public var certificate: String?

    public init(id: String = Identifier.make(), kind: Kind, entryID: String, versionID: String, recipientOrganizationID: String, recipientUserID: String,
                grantID: String?, purpose: String?, query: String, rowCount: Int, contentSHA256: String, deliveredAt: Date) {
        self.id = id
        self.kind = kind
        self.entryID = entryID
        self.versionID = versionID
        self.recipientOrganizationID = recipientOrganizationID
        self.recipientUserID = recipientUserID
        self.grantID = grantID
        self.purpose = purpose
        self.query = query
        self.rowCount = rowCount
        self.contentSHA256 = contentSHA256
        self.deliveredAt = deliveredAt
    }
}

/// What a share request must say before it can be accepted (申请材料齐全才受理).
public struct ShareApplication: Sendable, Codable, Equatable {
    public var fields: [String]
    public var purpose: String
    public var duty: String
    public var legalBasis: String
    public var periodStart: Date
    public var periodEnd: Date

    public init(fields: [String], purpose: String, duty: String, legalBasis: String, periodStart: Date, periodEnd: Date) {
        self.fields = fields
        self.purpose = purpose
        self.duty = duty
        self.legalBasis = legalBasis
        self.periodStart = periodStart
        self.periodEnd = periodEnd
    }

    /// Incomplete applications are refused at once with what is missing, so nothing half-filled is "accepted".
    public func validate(against entry: CatalogEntry, at time: Date) throws {
        var missing: [(String, String)] = []
        if purpose.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { missing.append(("用途", "purpose")) }
        if duty.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { missing.append(("所履行的职责", "duty")) }
        if legalBasis.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { missing.append(("法律依据", "legal basis")) }
        if !missing.isEmpty {
            throw HaiheError.invalid("sharing.incomplete", zh: "申请材料不齐全，缺少：\(missing.map(\.0).joined(separator: "、"))",
                                     en: "The application is incomplete; missing: \(missing.map(\.1).joined(separator: ", "))")
        }
        for text in [purpose, duty, legalBasis] where text.count > 4000 {
            throw HaiheError.invalid("sharing.too_long", zh: "用途、职责和依据各不超过 4000 字", en: "Purpose, duty and legal basis are limited to 4,000 characters each")
        }
        guard periodEnd > periodStart else {
            throw HaiheError.invalid("sharing.period", zh: "使用期限的结束时间应晚于开始时间", en: "The period of use must end after it starts")
        }
        guard periodEnd > time else {
            throw HaiheError.invalid("sharing.period_past", zh: "使用期限已经结束", en: "The period of use has already ended")
        }
        guard periodEnd.timeIntervalSince(periodStart) <= 5 * 366 * 86_400 else {
            throw HaiheError.invalid("sharing.period_long", zh: "使用期限不超过五年", en: "The period of use is limited to five years")
        }
        let known = Set(entry.fields.map(\.name))
        let unknown = fields.filter { !known.contains($0) }
        if !unknown.isEmpty {
            throw HaiheError.invalid("sharing.unknown_fields", zh: "目录中没有这些信息项：\(unknown.joined(separator: "、"))",
                                     en: "The entry has no fields named \(unknown.joined(separator: ", "))")
        }
    }
}
