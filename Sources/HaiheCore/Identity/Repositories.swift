/// Where organisations live. Implemented by the store for SQLite and PostgreSQL alike.
/// Every change is recorded in the audit trail in the same transaction (`audit` says who and why).
public protocol OrganizationRepository: Sendable {
    func create(_ organization: Organization, audit: AuditDraft) async throws
    func update(_ organization: Organization, audit: AuditDraft) async throws
    func find(id: String) async throws -> Organization?
    func find(creditCode: String) async throws -> Organization?
    func list() async throws -> [Organization]
    func count() async throws -> Int
}

/// A user together with the bcrypt hash of their password, as only the store and the login path see it.
public struct UserCredentials: Sendable {
    public var user: User
    public var passwordHash: String

    public init(user: User, passwordHash: String) {
        self.user = user
        self.passwordHash = passwordHash
    }
}

/// Where users live.
public protocol UserRepository: Sendable {
    func create(_ user: User, passwordHash: String, audit: AuditDraft) async throws
    /// Changes a user's display name, contact details, roles and status.
    func update(_ user: User, audit: AuditDraft) async throws
    /// Also ends the user's other sessions (all but `keepSessionHash`) and login tokens.
    func changePassword(userID: String, passwordHash: String, keepSessionHash: String?, audit: AuditDraft) async throws
    func find(id: String) async throws -> User?
    func credentials(username: String) async throws -> UserCredentials?
    func list(organizationID: String?) async throws -> [User]
    func count() async throws -> Int
}
