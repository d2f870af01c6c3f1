import Foundation

/// 开放申请 (Art. 23): a citizen or organisation applies for conditionally open data; the provider answers within two
/// working days of acceptance with approval (terms and a period) or a refusal with a reason and a basis.
public struct OpenApplication: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        case pending, approved, refused, withdrawn

        public var labelZH: String {
            switch self {
            case .pending: "待答复"
            case .approved: "已同意"
            case .refused: "不同意"
            case .withdrawn: "已撤回"
            }
        }
    }

    public var id: String
    public var entryID: String
    public var resourceCode: String
    public var entryTitle: String
    public var providerID: String
    public var applicantUserID: String
    public var applicantName: String
    /// 公民身份号码 or 统一社会信用代码, checked by its check digit.
    public var identity: String
    public var purpose: String
    public var intendedUse: String
    public var status: Status
    public var acceptedAt: Date
    public var deadline: Date
    public var answeredAt: Date?
    public var terms: String?
    public var accessUntil: Date?
    public var refusalReason: String?
    public var refusalBasis: String?

    public init(id: String = Identifier.make(), entryID: String, resourceCode: String, entryTitle: String, providerID: String, applicantUserID: String,
                applicantName: String, identity: String, purpose: String, intendedUse: String, acceptedAt: Date, deadline: Date) {
        self.id = id
        self.entryID = entryID
        self.resourceCode = resourceCode
        self.entryTitle = entryTitle
        self.providerID = providerID
        self.applicantUserID = applicantUserID
        self.applicantName = applicantName
        self.identity = identity
        self.purpose = purpose
        self.intendedUse = intendedUse
        self.status = .pending
        self.acceptedAt = acceptedAt
        self.deadline = deadline
    }

    public func isOverdue(at time: Date) -> Bool { status == .pending && time > deadline }

    /// The application as others than the applicant see it: the identity number masked (personal information).
    public var masked: OpenApplication {
        var copy = self
        copy.identity = identity.count > 8 ? String(identity.prefix(4)) + String(repeating: "*", count: identity.count - 8) + String(identity.suffix(4)) : "****"
        return copy
    }

    /// Whether it gives access now.
    public func isInForce(at time: Date) -> Bool {
        status == .approved && (accessUntil.map { time <= $0 } ?? false)
    }

    /// A complete application names who applies (a valid identity number), the purpose and the intended use.
    public static func validate(identity: String, purpose: String, intendedUse: String) throws {
        let id = identity.trimmingCharacters(in: .whitespaces).uppercased()
        guard ResidentIdentityNumber.isValid(id) || UnifiedSocialCreditCode.isValid(id) else {
            throw HaiheError.invalid("opendata.identity", zh: "请填写有效的公民身份号码或统一社会信用代码", en: "Give a valid resident identity number or unified social credit code")
        }
        var missing: [(String, String)] = []
        if purpose.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { missing.append(("用途", "purpose")) }
        if intendedUse.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { missing.append(("使用方式", "intended use")) }
        if !missing.isEmpty {
            throw HaiheError.invalid("opendata.incomplete", zh: "申请材料不齐全，缺少：\(missing.map(\.0).joined(separator: "、"))",
                                     en: "The application is incomplete; missing: \(missing.map(\.1).joined(separator: ", "))")
        }
        guard purpose.count <= 4000, intendedUse.count <= 4000 else {
            throw HaiheError.invalid("opendata.too_long", zh: "用途和使用方式各不超过 4000 字", en: "Purpose and intended use are limited to 4,000 characters each")
        }
    }
}

/// Who may read a conditionally open dataset: the holder of an approved application still in force.
public enum OpenDataPolicy {
    /// For conditionally open data, the approval in force that lasts longest (what the caller reads under); nil for
    /// data open to all; refused when there is none.
    @discardableResult
    public static func checkConditional(_ entry: CatalogEntry, applications: [OpenApplication], at time: Date) throws -> OpenApplication? {
        guard entry.openType == .conditional else { return nil }
        guard let grant = applications.filter({ $0.entryID == entry.entryID && $0.isInForce(at: time) })
            .max(by: { ($0.accessUntil ?? .distantPast) < ($1.accessUntil ?? .distantPast) }) else {
            throw HaiheError(.forbidden, code: "opendata.apply", zh: "该数据集为有条件开放，须经申请同意后方可获取（登录后在数据集页面提出申请）",
                             en: "This dataset is open on conditions: apply and be approved first (sign in and apply on the dataset's page)")
        }
        return grant
    }
}
