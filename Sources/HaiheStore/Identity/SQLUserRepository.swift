import Foundation
import HaiheCore

/// Users and their roles in SQL; portable across both dialects.
public struct SQLUserRepository: UserRepository {
    let database: any SQLDatabase

    public init(database: any SQLDatabase) { self.database = database }

    static let columns = "id, organization_id, username, display_name, email, mobile, password_hash, status, created_at, updated_at"

    public func create(_ user: User, passwordHash: String, audit: AuditDraft) async throws {
        try await database.transaction { session in
            try await Self.insert(user, passwordHash: passwordHash, in: session)
            try await AuditTrail.append(audit.about(user.id, ["username": user.username, "roles": user.roles.map(\.rawValue).sorted().joined(separator: ",")]), in: session)
        }
    }

    public func update(_ u: User, audit: AuditDraft) async throws {
        try u.validate()
        try await database.transaction { session in
            guard try await session.first("SELECT id FROM users WHERE id = $1\(session.dialect.forUpdate)", u.id) != nil else {
                throw HaiheError.notFound("user", zh: "用户", id: u.id)
            }
            try await session.execute("UPDATE users SET display_name = $2, email = $3, mobile = $4, status = $5, updated_at = $6 WHERE id = $1",
                                      u.id, u.displayName, u.email, u.mobile, u.status.rawValue, Date())
            try await session.execute("DELETE FROM user_roles WHERE user_id = $1", u.id)
            for role in u.roles.sorted() {
                try await session.execute("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)", u.id, role.rawValue)
            }
            if u.status == .disabled {
                // A disabled account loses its sessions and keys at once, not when they expire.
                try await session.execute("DELETE FROM sessions WHERE user_id = $1", u.id)
                try await session.execute("UPDATE api_keys SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL", Date(), u.id)
            }
            try await AuditTrail.append(audit.about(u.id, ["status": u.status.rawValue, "roles": u.roles.map(\.rawValue).sorted().joined(separator: ",")]), in: session)
        }
    }

    public func changePassword(userID: String, passwordHash: String, keepSessionHash: String?, audit: AuditDraft) async throws {
        try await database.transaction { session in
            try await session.execute("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1", userID, passwordHash, Date())
            // A new password ends every other way in that the old one opened: sessions and login tokens.
            try await session.execute("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2", userID, keepSessionHash ?? "")
            try await session.execute("UPDATE api_keys SET revoked_at = $2 WHERE user_id = $1 AND kind = 'login' AND revoked_at IS NULL", userID, Date())
            try await AuditTrail.append(audit.about(userID, [:]), in: session)
        }
    }

    public static func insert(_ u: User, passwordHash: String, in session: any SQLSession) async throws {
        try u.validate()
        guard try await session.first("SELECT id FROM organizations WHERE id = $1", u.organizationID) != nil else {
            throw HaiheError.notFound("organization", zh: "单位", id: u.organizationID)
        }
        do {
            try await session.execute(
                "INSERT INTO users (\(columns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                u.id, u.organizationID, u.username, u.displayName, u.email, u.mobile, passwordHash,
                u.status.rawValue, u.createdAt, u.updatedAt)
        } catch where isUniqueViolation(error) {
            throw HaiheError.conflict("user.username_taken", zh: "用户名 \(u.username) 已被使用",
                                      en: "The username \(u.username) is already taken")
        }
        for role in u.roles.sorted() {
            try await session.execute("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)", u.id, role.rawValue)
        }
    }

    public func find(id: String) async throws -> User? {
        try await database.read { session -> User? in
            guard let row = try await session.first("SELECT \(Self.columns) FROM users WHERE id = $1", id) else { return nil }
            return try await Self.decode(row, session: session)
        }
    }

    public func credentials(username: String) async throws -> UserCredentials? {
        try await database.read { session -> UserCredentials? in
            guard let row = try await session.first("SELECT \(Self.columns) FROM users WHERE username = $1", username) else { return nil }
            return UserCredentials(user: try await Self.decode(row, session: session), passwordHash: try row.string("password_hash"))
        }
    }

    public func list(organizationID: String?) async throws -> [User] {
        try await database.read { session -> [User] in
            let rows: [SQLRow]
            if let organizationID {
                rows = try await session.query("SELECT \(Self.columns) FROM users WHERE organization_id = $1 ORDER BY username", organizationID)
            } else {
                rows = try await session.query("SELECT \(Self.columns) FROM users ORDER BY username")
            }
            let roles = try await Self.allRoles(session: session)
            return try rows.map { try Self.decode($0, roles: roles[try $0.string("id")] ?? []) }
        }
    }

    public func count() async throws -> Int {
        try await database.read { try await $0.scalarInt("SELECT COUNT(*) FROM users") } ?? 0
    }

    static func allRoles(session: any SQLSession) async throws -> [String: Set<Role>] {
        var result: [String: Set<Role>] = [:]
        for row in try await session.query("SELECT user_id, role FROM user_roles") {
            if let role = Role(rawValue: try row.string("role")) { result[try row.string("user_id"), default: []].insert(role) }
        }
        return result
    }

    static func decode(_ row: SQLRow, session: any SQLSession) async throws -> User {
        let roleRows = try await session.query("SELECT role FROM user_roles WHERE user_id = $1", try row.string("id"))
        return try decode(row, roles: Set(roleRows.compactMap { Role(rawValue: $0.optionalString("role") ?? "") }))
    }

    static func decode(_ row: SQLRow, roles: Set<Role>) throws -> User {
        User(id: try row.string("id"), organizationID: try row.string("organization_id"), username: try row.string("username"),
             displayName: try row.string("display_name"), email: row.optionalString("email"), mobile: row.optionalString("mobile"),
             roles: roles, status: UserStatus(rawValue: try row.string("status")) ?? .disabled,
             createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }
}
