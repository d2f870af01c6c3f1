/// Who is asking: a signed-in user, seen through the roles and organisation the policy reads.
public struct Subject: Sendable, Equatable {
    public var userID: String
    public var username: String
    public var organizationID: String
    public var roles: Set<Role>
    /// Set when the caller authenticated with an API key: the key's scopes bound what it may do.
    public var scopes: Set<Scope>?

    public init(userID: String, username: String, organizationID: String, roles: Set<Role>, scopes: Set<Scope>? = nil) {
        self.userID = userID
        self.username = username
        self.organizationID = organizationID
        self.roles = roles
        self.scopes = scopes
    }
}

/// What the action is done to, as far as the policy cares: whose it is.
public struct PolicyObject: Sendable, Equatable {
    /// The organisation that owns the object (a user's organisation, the organisation itself).
    public var organizationID: String?
    /// The user that owns the object (an API key's owner, an account).
    public var userID: String?

    public init(organizationID: String? = nil, userID: String? = nil) {
        self.organizationID = organizationID
        self.userID = userID
    }

    public static let none = PolicyObject()
}

/// How far a role's permission for an action reaches.
public enum Reach: String, Sendable, CaseIterable {
    /// Any object, in any organisation.
    case any
    /// Objects of the subject's own organisation only.
    case ownOrganization = "own organisation"
    /// The subject's own account and what belongs to it only.
    case ownAccount = "own account"
}

public enum Decision: Sendable, Equatable {
    case allow
    case deny(HaiheError)

    public var isAllowed: Bool { self == .allow }
}

/// The one place that decides "may this subject do this action on this object". Deny by default:
/// an action no rule names, a role no rule lists, an object out of reach — each is refused.
/// The same table is written down in docs/POLICY.md, and a test holds the two together.
public enum AccessPolicy {
    /// Actions anyone may do without signing in.
    public static let publicActions: Set<Action> = [.platformRead, .calendarRead, .certificateVerify, .openDataRead]

    /// For each action, the roles that may do it and how far.
    public static let rules: [Action: [Role: Reach]] = {
        let everyone = Dictionary(uniqueKeysWithValues: Role.allCases.map { ($0, Reach.ownAccount) })
        return [
            .platformRead: Dictionary(uniqueKeysWithValues: Role.allCases.map { ($0, Reach.any) }),
            .organizationList: [.admin: .any, .regulator: .any, .auditor: .any, .provider: .any, .consumer: .any, .contributor: .any],
            .organizationCreate: [.admin: .any, .regulator: .any],
            .organizationUpdate: [.admin: .any, .regulator: .any],
            .userList: [.admin: .any, .regulator: .any, .auditor: .any],
            .userCreate: [.admin: .any, .regulator: .any],
            .userUpdate: [.admin: .any, .regulator: .any],
            .accountRead: everyone,
            .accountChangePassword: everyone,
            .apiKeyManage: everyone,
            .auditRead: [.auditor: .any, .regulator: .any],
            .auditCheckpoint: [.auditor: .any, .regulator: .any, .admin: .any],
            // The city catalogs are for every government user; the public reaches the open catalog through the portal and CKAN API.
            .catalogBrowse: [.regulator: .any, .provider: .any, .consumer: .any, .auditor: .any, .contributor: .any, .admin: .any],
            // Versions in any state: a provider's (or contributor's) own organisation; the regulator and auditors everywhere.
            .catalogRead: [.regulator: .any, .auditor: .any, .provider: .ownOrganization, .contributor: .ownOrganization],
            .catalogWrite: [.provider: .ownOrganization, .contributor: .ownOrganization],
            .catalogReview: [.regulator: .any],
            .catalogFilings: [.regulator: .any, .auditor: .any],
            // Art. 52: the regulator finds what is late and orders corrections; departments answer their own orders.
            .catalogOversee: [.regulator: .any, .auditor: .any],
            .rectificationIssue: [.regulator: .any],
            .rectificationRead: [.regulator: .any, .auditor: .any, .provider: .ownOrganization, .contributor: .ownOrganization],
            .rectificationRespond: [.provider: .ownOrganization, .contributor: .ownOrganization],
            // Art. 11, 12: a department connects its own entries' data; the regulator and auditors see every load's record.
            .dataIngest: [.provider: .ownOrganization, .contributor: .ownOrganization],
            .dataHistory: [.regulator: .any, .auditor: .any, .provider: .ownOrganization, .contributor: .ownOrganization],
            // The working-day calendar and certificate checks are public: deadlines and equal legal effect concern everyone.
            .calendarRead: Dictionary(uniqueKeysWithValues: Role.allCases.map { ($0, Reach.any) }),
            .calendarManage: [.regulator: .any],
            .certificateVerify: Dictionary(uniqueKeysWithValues: Role.allCases.map { ($0, Reach.any) }),
            // Art. 16–18: government departments read shared data; which entry and which fields is SharingPolicy's
            // second question (unconditional, own data, or a live grant). Social contributors are not departments.
            .sharingRead: [.regulator: .any, .provider: .any, .consumer: .any],
            // A department applies, disputes and withdraws for itself; the provider answers for its own entries.
            .sharingApply: [.provider: .ownOrganization, .consumer: .ownOrganization],
            .sharingAnswer: [.provider: .ownOrganization],
            // Negotiation is between the two sides, with the regulator able to join; the object is either side's organisation.
            .sharingNegotiate: [.regulator: .any, .provider: .ownOrganization, .consumer: .ownOrganization],
            .sharingView: [.regulator: .any, .auditor: .any, .provider: .ownOrganization, .consumer: .ownOrganization],
            // Art. 17: failing negotiation the regulator decides; it also revokes grants.
            .sharingArbitrate: [.regulator: .any],
            // Tracing a copy found outside: oversight everywhere, a provider for its own entries' deliveries.
            .sharingTrace: [.regulator: .any, .auditor: .any, .provider: .ownOrganization],
            // Art. 20–23: open data is for everyone; conditional open data by application, answered by its provider.
            .openDataRead: Dictionary(uniqueKeysWithValues: Role.allCases.map { ($0, Reach.any) }),
            .openDataApply: everyone,
            .openDataAnswer: [.provider: .ownOrganization],
            .openDataApplications: [.regulator: .any, .auditor: .any, .provider: .ownOrganization, .public: .ownAccount, .consumer: .ownAccount,
                                    .contributor: .ownAccount],
            // 互动反馈: anyone signed in asks for data, reports an error or comments; the department concerned answers (the
            // regulator answers data requests that name no department); each sees its own, oversight sees all.
            .feedbackSubmit: everyone,
            .feedbackAnswer: [.regulator: .any, .provider: .ownOrganization],
            .feedbackView: [.regulator: .any, .auditor: .any, .provider: .ownOrganization, .public: .ownAccount, .consumer: .ownAccount,
                            .contributor: .ownAccount],
            // 成果展示 (Art. 26): anyone signed in submits a use of open data; the regulator reviews it before it is shown.
            .showcaseSubmit: everyone,
            .showcaseReview: [.regulator: .any],
            .showcaseView: [.regulator: .any, .auditor: .any],
        ]
    }()

    public static func decide(_ subject: Subject?, _ action: Action, on object: PolicyObject = .none) -> Decision {
        guard let subject else {
            if publicActions.contains(action) { return .allow }
            return .deny(HaiheError(.unauthenticated, code: "auth.required",
                                    zh: "请先登录或提供有效的访问令牌", en: "Sign in or send a valid API token first"))
        }
        if let scopes = subject.scopes {
            let needed: Scope = action.changesState ? .write : .read
            if !scopes.contains(needed) {
                return .deny(HaiheError(.forbidden, code: "auth.scope",
                                        zh: "此访问令牌没有“\(needed.rawValue)”权限范围", en: "This API key lacks the '\(needed.rawValue)' scope"))
            }
        }
        let grants = rules[action] ?? [:]
        for role in subject.roles.sorted() {
            guard let reach = grants[role] else { continue }
            if reaches(reach, subject: subject, object: object) { return .allow }
        }
        let roleNames = subject.roles.sorted().map(\.labelZH).joined(separator: "、")
        return .deny(HaiheError(.forbidden, code: "auth.forbidden",
                                zh: "您的角色（\(roleNames)）无权执行“\(action.rawValue)”操作",
                                en: "Your roles (\(subject.roles.sorted().map(\.rawValue).joined(separator: ", "))) may not do '\(action.rawValue)' on this object"))
    }

    /// Separation of duties for account management: nobody changes their own roles or status, and the
    /// oversight roles (regulator, auditor) are granted only by a regulator, so an administrator cannot make
    /// itself an auditor or a provider's officer a regulator.
    public static func checkRoleChange(by subject: Subject, target userID: String, from old: Set<Role>, to new: Set<Role>,
                                       statusChanged: Bool) -> HaiheError? {
        if userID == subject.userID && (old != new || statusChanged) {
            return HaiheError(.forbidden, code: "auth.self_grant", zh: "不能修改自己的角色或状态", en: "You cannot change your own roles or status")
        }
        let oversight: Set<Role> = [.regulator, .auditor]
        if !new.subtracting(old).isDisjoint(with: oversight) && !subject.roles.contains(.regulator) {
            return HaiheError(.forbidden, code: "auth.grant_oversight", zh: "只有监管人员可以授予监管或审计角色",
                              en: "Only a regulator may grant the regulator or auditor role")
        }
        return nil
    }

    static func reaches(_ reach: Reach, subject: Subject, object: PolicyObject) -> Bool {
        switch reach {
        case .any:
            return true
        case .ownOrganization:
            return object.organizationID == nil || object.organizationID == subject.organizationID
        case .ownAccount:
            if let owner = object.userID { return owner == subject.userID }
            return object.organizationID == nil || object.organizationID == subject.organizationID
        }
    }
}
