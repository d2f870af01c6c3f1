import Foundation

/// 互动反馈: what the public says back to an open-data portal, as China's open-data evaluations expect of one — a
/// request for data not yet open (数据需求), an error report on a dataset (纠错), a comment with an optional rating —
/// each answered by the department concerned, on the record and visible on the portal.
public struct Feedback: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// 数据需求: data someone needs that is not open yet; addressed to a department or, unnamed, to the regulator.
        case dataRequest = "data_request"
        /// 纠错: a mistake in an open dataset, answered by its provider.
        case errorReport = "error_report"
        /// 评论: a comment on an open dataset, with a rating of one to five stars or none.
        case comment

        public var labelZH: String {
            switch self {
            case .dataRequest: "数据需求"
            case .errorReport: "纠错"
            case .comment: "评论"
            }
        }
    }

    public enum Status: String, Sendable, Codable, CaseIterable {
        case pending, answered

        public var labelZH: String { self == .pending ? "待答复" : "已答复" }
    }

    /// What the answer decided, so a requester (and the evaluation) can count outcomes, not just replies.
    public enum Resolution: String, Sendable, Codable, CaseIterable {
        /// A data request: the data will be opened (or a version with it published).
        case willOpen = "will_open"
        /// A data request: the data is already open; the answer says where.
        case alreadyOpen = "already_open"
        /// A data request: cannot be opened; the answer gives the reason and basis.
        case cannotOpen = "cannot_open"
        /// An error report: the data was corrected.
        case corrected
        /// An error report: the data is right; the answer explains.
        case notAnError = "not_an_error"
        /// A comment: replied to.
        case replied

        public var labelZH: String {
            switch self {
            case .willOpen: "将开放"
            case .alreadyOpen: "已开放"
            case .cannotOpen: "暂不能开放"
            case .corrected: "已更正"
            case .notAnError: "经核实无误"
            case .replied: "已回复"
            }
        }

        public var kind: Kind {
            switch self {
            case .willOpen, .alreadyOpen, .cannotOpen: .dataRequest
            case .corrected, .notAnError: .errorReport
            case .replied: .comment
            }
        }
    }

    /// The regulation sets no time for these answers; the platform asks for one within five working days so each is
    /// followed up, and shows the deadline and any delay.
    public static let answerWorkingDays = 5

    public var id: String
    public var kind: Kind
    /// The open dataset it is about (error reports and comments; a data request may name none).
    public var entryID: String?
    public var resourceCode: String?
    public var entryTitle: String?
    /// The department that answers; nil for a data request naming no department (the regulator's desk).
    public var providerID: String?
    public var authorUserID: String
    /// Shown publicly masked (see `publicAuthor`).
    public var authorName: String
    public var title: String
    public var body: String
    /// For an error report: the field that is wrong, when known.
    public var field: String?
    /// For a comment: one to five stars, when given.
    public var rating: Int?
    public var status: Status
    public var createdAt: Date
    public var deadline: Date
    public var resolution: Resolution?
    public var answer: String?
    public var answeredBy: String?
    /// The organisation that answered: the department concerned, or the regulator answering in its place.
    public var answeredByOrganization: String?
    public var answeredAt: Date?

    public init(id: String = Identifier.make(), kind: Kind, entryID: String?, resourceCode: String?, entryTitle: String?, providerID: String?,
                authorUserID: String, authorName: String, title: String, body: String, field: String? = nil, rating: Int? = nil,
                createdAt: Date, deadline: Date) {
        self.id = id
        self.kind = kind
        self.entryID = entryID
        self.resourceCode = resourceCode
        self.entryTitle = entryTitle
        self.providerID = providerID
        self.authorUserID = authorUserID
        self.authorName = authorName
        self.title = title
        self.body = body
        self.field = field
        self.rating = rating
        self.status = .pending
        self.createdAt = createdAt
        self.deadline = deadline
    }

    public func isOverdue(at time: Date) -> Bool { status == .pending && time > deadline }

    /// The author as the public sees them: the first character and stars (a citizen's name is personal information).
    public var publicAuthor: String {
        guard let first = authorName.first else { return "***" }
        return String(first) + "**"
    }

    /// Checks what the public sends: a title and text within bounds, a rating of 1 to 5 on comments only, a field only
    /// on error reports. Errors are bilingual and nothing is stored.
    public static func validate(kind: Kind, title: String, body: String, rating: Int?, field: String?, fields: [FieldDefinition]) throws {
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines), body = body.trimmingCharacters(in: .whitespacesAndNewlines)
        if kind == .dataRequest, title.isEmpty {
            throw HaiheError.invalid("feedback.title", zh: "请写明需要什么数据（标题）", en: "Say what data you need (title)")
        }
        // A rating alone is a complete comment; anything else needs its text.
        if body.isEmpty, !(kind == .comment && rating != nil) {
            throw HaiheError.invalid("feedback.body", zh: kind == .errorReport ? "请说明错误之处" : "请填写内容", en: kind == .errorReport ? "Describe the error" : "Write something first")
        }
        guard title.count <= 200, body.count <= 4000 else {
            throw HaiheError.invalid("feedback.too_long", zh: "标题不超过 200 字，内容不超过 4000 字", en: "Titles are limited to 200 characters and text to 4,000")
        }
        if let rating {
            guard kind == .comment, (1...5).contains(rating) else {
                throw HaiheError.invalid("feedback.rating", zh: "评分为 1 至 5 星，且仅用于评论", en: "A rating is 1 to 5 stars, on comments only")
            }
        }
        if let field, !field.isEmpty {
            guard kind == .errorReport, fields.contains(where: { $0.name == field }) else {
                throw HaiheError.invalid("feedback.field", zh: "数据项“\(field)”不属于该数据集", en: "The dataset has no field '\(field)'")
            }
        }
    }
}

/// 成果展示 (Art. 26): an app, analysis or service someone built on open data, shown on the portal and on the pages of
/// the datasets it uses once the regulator has reviewed it.
public struct UseCase: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case app, analysis, service, research, visualisation

        public var labelZH: String {
            switch self {
            case .app: "应用"
            case .analysis: "分析报告"
            case .service: "服务"
            case .research: "研究"
            case .visualisation: "可视化"
            }
        }
    }

    public enum Status: String, Sendable, Codable, CaseIterable {
        case pending, published, rejected

        public var labelZH: String {
            switch self {
            case .pending: "待审核"
            case .published: "已展示"
            case .rejected: "未通过"
            }
        }
    }

    public var id: String
    public var kind: Kind
    public var title: String
    public var description: String
    /// Where it can be seen: an http(s) address.
    public var url: String
    public var submitterUserID: String
    public var submitterName: String
    /// The organisation or team named by the submitter, shown with the use.
    public var byline: String?
    /// The open datasets it uses (entry ids).
    public var entryIDs: [String]
    public var status: Status
    public var createdAt: Date
    public var reviewNote: String?
    public var reviewedBy: String?
    public var reviewedAt: Date?

    public init(id: String = Identifier.make(), kind: Kind, title: String, description: String, url: String, submitterUserID: String,
                submitterName: String, byline: String?, entryIDs: [String], createdAt: Date) {
        self.id = id
        self.kind = kind
        self.title = title
        self.description = description
        self.url = url
        self.submitterUserID = submitterUserID
        self.submitterName = submitterName
        self.byline = byline
        self.entryIDs = entryIDs
        self.status = .pending
        self.createdAt = createdAt
    }

    /// A title, a description, an http(s) address, and at least one dataset (at most 20).
    public static func validate(title: String, description: String, url: String, datasets: Int) throws {
        var missing: [(String, String)] = []
        if title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { missing.append(("名称", "title")) }
        if description.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { missing.append(("简介", "description")) }
        if datasets == 0 { missing.append(("使用的数据集", "datasets used")) }
        if !missing.isEmpty {
            throw HaiheError.invalid("showcase.incomplete", zh: "成果信息不齐全，缺少：\(missing.map(\.0).joined(separator: "、"))",
                                     en: "The submission is incomplete; missing: \(missing.map(\.1).joined(separator: ", "))")
        }
        guard title.trimmingCharacters(in: .whitespacesAndNewlines).count <= 200, description.trimmingCharacters(in: .whitespacesAndNewlines).count <= 4000,
              datasets <= 20 else {
            throw HaiheError.invalid("showcase.too_long", zh: "名称不超过 200 字，简介不超过 4000 字，数据集不超过 20 个",
                                     en: "At most 200 characters of title, 4,000 of description and 20 datasets")
        }
        guard url.count <= 500, let components = URLComponents(string: url), ["http", "https"].contains(components.scheme?.lowercased() ?? ""),
              !(components.host ?? "").isEmpty else {
            throw HaiheError.invalid("showcase.url", zh: "请给出以 http:// 或 https:// 开头的访问地址", en: "Give an address starting with http:// or https://")
        }
    }
}
