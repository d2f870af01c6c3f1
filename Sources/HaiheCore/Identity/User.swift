import Foundation

/// The roles of MISSION.md "Who uses it". A user holds one or more; the access policy reads them.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    /// 监管: approves catalogs, files legal bases, arbitrates, evaluates, orders corrections.
    case regulator
    /// 数据提供方 (data officer): writes the catalog, connects systems, publishes, answers requests.
    case provider
    /// 数据使用方: a government user who finds and requests shared data.
    case consumer
    /// 审计: reads the audit trail, incidents, evaluations.
    case auditor
    /// 社会数据提供方 (Art. 27, 28): contributes social data.
    case contributor
    /// 平台管理员: manages organisations and accounts.
    case admin
    /// 社会公众: a citizen or company using open data and applying for conditional open data.
    case `public`

    public var labelZH: String {
        switch self {
        case .regulator: "监管人员"
        case .provider: "数据提供方"
        case .consumer: "数据使用方"
        case .auditor: "审计人员"
        case .contributor: "社会数据提供方"
        case .admin: "平台管理员"
        case .public: "社会公众"
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

public enum UserStatus: String, Sendable, Codable {
    case active
    case disabled
}

/// 用户: a person who signs in. Belongs to exactly one organisation.
public struct User: Sendable, Codable, Equatable, Identifiable {
    public var id: String
    public var organizationID: String
    public var username: String
    public var displayName: String
    public var email: String?
    public var mobile: String?
    public var roles: Set<Role>
    public var status: UserStatus
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String = Identifier.make(), organizationID: String, username: String, displayName: String,
                email: String? = nil, mobile: String? = nil, roles: Set<Role>, status: UserStatus = .active,
                createdAt: Date = Date(), updatedAt: Date? = nil) {
        self.id = id
        self.organizationID = organizationID
        self.username = username
        self.displayName = displayName
        self.email = email
        self.mobile = mobile
        self.roles = roles
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }

    public func validate() throws(HaiheError) {
        let allowed = username.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || "._-@".contains($0) }
        if username.count < 3 || username.count > 64 || !allowed {
            throw .invalid("user.username", zh: "用户名须为3至64位字母、数字或 . _ - @",
                           en: "A username has 3 to 64 letters, digits or . _ - @")
        }
        if displayName.trimmingCharacters(in: .whitespaces).isEmpty {
            throw .invalid("user.display_name", zh: "姓名不能为空", en: "The user needs a display name")
        }
        if roles.isEmpty {
            throw .invalid("user.roles", zh: "用户至少需要一个角色", en: "A user needs at least one role")
        }
    }
}
