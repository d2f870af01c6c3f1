import Crypto
import Foundation
import HaiheCore

/// An API key as its owner sees it in the console: never the secret, which is shown once at creation.
public struct APIKey: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable {
        /// Created by the user in the console, named, with scopes and an optional expiry.
        case key
        /// Issued by `POST /api/v1/auth/token` for scripts; expires within hours.
        case login
    }

    public var id: String
    public var userID: String
    public var name: String
    public var kind: Kind
    /// The first characters of the token, so a user can tell keys apart.
    public var prefix: String
    public var scopes: Set<Scope>
    public var createdAt: Date
    public var expiresAt: Date?
    public var revokedAt: Date?

    public func isLive(at time: Date) -> Bool {
        revokedAt == nil && (expiresAt.map { $0 > time } ?? true)
    }
}

/// A signed-in browser session.
public struct WebSession: Sendable {
    public var user: User
    public var csrfToken: String
    public var expiresAt: Date
}

/// Sessions, API keys and failed-login tracking. Secrets are stored only as SHA-256 hashes: they are
/// 256-bit random values, so a fast hash is enough and lookups stay one index probe.
public struct AuthStore: Sendable {
    let database: any SQLDatabase

    public static let maximumFailures = 5
    public static let failureWindow: TimeInterval = 15 * 60
    public static let lockDuration: TimeInterval = 15 * 60

    /// 32 random bytes, base64url, with a prefix that says what the secret is.
    public static func makeSecret(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return prefix + Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    public static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).hexString
    }

    // MARK: Sessions

    /// Starts a session; returns the cookie value (the only copy of the secret) and the session.
    public func createSession(for user: User, clientAddress: String?, lifetime: TimeInterval = 12 * 3600,
                              audit: AuditDraft, at time: Date = Date()) async throws -> (token: String, session: WebSession) {
        let token = Self.makeSecret(prefix: "hs_")
        let csrf = Self.makeSecret(prefix: "")
        let expires = time.addingTimeInterval(lifetime)
        try await database.transaction { session in
            try await session.execute(
                "INSERT INTO sessions (token_hash, user_id, csrf_token, client_address, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
                Self.hash(token), user.id, csrf, clientAddress, time, expires)
            try await session.execute("DELETE FROM login_failures WHERE username = $1", user.username)
            try await AuditTrail.append(audit, in: session, at: time)
        }
        return (token, WebSession(user: user, csrfToken: csrf, expiresAt: expires))
    }

    public func session(token: String, at time: Date = Date()) async throws -> WebSession? {
        try await database.read { session -> WebSession? in
            guard let row = try await session.first("SELECT user_id, csrf_token, expires_at FROM sessions WHERE token_hash = $1", Self.hash(token)) else { return nil }
            let expires = try row.date("expires_at")
            guard expires > time else { return nil }
            guard let userRow = try await session.first("SELECT \(SQLUserRepository.columns) FROM users WHERE id = $1", try row.string("user_id")) else { return nil }
            let user = try await SQLUserRepository.decode(userRow, session: session)
            return WebSession(user: user, csrfToken: try row.string("csrf_token"), expiresAt: expires)
        }
    }

    public func endSession(token: String, audit: AuditDraft) async throws {
        try await database.transaction { session in
            try await session.execute("DELETE FROM sessions WHERE token_hash = $1", Self.hash(token))
            try await AuditTrail.append(audit, in: session)
        }
    }

    // MARK: API keys

    /// Creates a key; the returned token is the only time its secret exists outside the caller.
    public func createAPIKey(for user: User, name: String, kind: APIKey.Kind = .key, scopes: Set<Scope>, expiresAt: Date?,
                             audit: AuditDraft, at time: Date = Date()) async throws -> (token: String, key: APIKey) {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 100 else {
            throw HaiheError.invalid("apikey.name", zh: "访问令牌名称须为1至100个字符", en: "An API key needs a name of 1 to 100 characters")
        }
        guard !scopes.isEmpty else {
            throw HaiheError.invalid("apikey.scopes", zh: "访问令牌至少需要一个权限范围（read、write）", en: "An API key needs at least one scope (read, write)")
        }
        if let expiresAt, expiresAt <= time || expiresAt > time.addingTimeInterval(10 * 366 * 86_400) {
            throw HaiheError.invalid("apikey.expiry", zh: "过期时间须在今后十年之内", en: "The expiry must lie in the next ten years")
        }
        let token = Self.makeSecret(prefix: "hh_")
        let key = APIKey(id: Identifier.make(now: time), userID: user.id, name: trimmed, kind: kind, prefix: String(token.prefix(10)),
                         scopes: scopes, createdAt: time, expiresAt: expiresAt, revokedAt: nil)
        var audit = audit
        audit.objectID = key.id
        try await database.transaction { session in
            try await session.execute(
                "INSERT INTO api_keys (id, user_id, name, kind, token_hash, prefix, scopes, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                key.id, key.userID, key.name, key.kind.rawValue, Self.hash(token), key.prefix,
                scopes.map(\.rawValue).sorted().joined(separator: ","), time, expiresAt)
            try await AuditTrail.append(audit, in: session, at: time)
        }
        return (token, key)
    }

    public func apiKeys(userID: String) async throws -> [APIKey] {
        try await database.read { session in
            try await session.query("SELECT * FROM api_keys WHERE user_id = $1 AND kind = 'key' ORDER BY created_at DESC", userID)
        }.map(Self.decodeKey)
    }

    public func apiKey(id: String) async throws -> APIKey? {
        try await database.read { try await $0.first("SELECT * FROM api_keys WHERE id = $1", id) }.map(Self.decodeKey)
    }

    public func revokeAPIKey(id: String, audit: AuditDraft, at time: Date = Date()) async throws {
        try await database.transaction { session in
            try await session.execute("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL", time, id)
            try await AuditTrail.append(audit, in: session, at: time)
        }
    }

    /// The user and key behind a bearer token, when the key is live and the user active.
    public func resolve(token: String, at time: Date = Date()) async throws -> (user: User, key: APIKey)? {
        try await database.read { session -> (User, APIKey)? in
            guard let row = try await session.first("SELECT * FROM api_keys WHERE token_hash = $1", Self.hash(token)) else { return nil }
            let key = try Self.decodeKey(row)
            guard key.isLive(at: time),
                  let userRow = try await session.first("SELECT \(SQLUserRepository.columns) FROM users WHERE id = $1", key.userID) else { return nil }
            let user = try await SQLUserRepository.decode(userRow, session: session)
            return (user, key)
        }
    }

    static func decodeKey(_ row: SQLRow) throws -> APIKey {
        APIKey(id: try row.string("id"), userID: try row.string("user_id"), name: try row.string("name"),
               kind: APIKey.Kind(rawValue: try row.string("kind")) ?? .key, prefix: try row.string("prefix"),
               scopes: Set(try row.string("scopes").split(separator: ",").compactMap { Scope(rawValue: String($0)) }),
               createdAt: try row.date("created_at"), expiresAt: row.optionalDate("expires_at"), revokedAt: row.optionalDate("revoked_at"))
    }

    // MARK: Failed sign-ins

    /// When the account is locked against sign-in, until when.
    public func lockedUntil(username: String, at time: Date = Date()) async throws -> Date? {
        let row = try await database.read { try await $0.first("SELECT locked_until FROM login_failures WHERE username = $1", username) }
        guard let until = row?.optionalDate("locked_until"), until > time else { return nil }
        return until
    }

    /// Counts a failed sign-in; after `maximumFailures` within the window the account locks for `lockDuration`.
    /// Returns the lock's end when this failure caused or extended one.
    @discardableResult
    public func recordFailure(username: String, audit: AuditDraft, at time: Date = Date()) async throws -> Date? {
        try await database.transaction { session -> Date? in
            let row = try await session.first("SELECT failures, first_failure_at FROM login_failures WHERE username = $1\(session.dialect.forUpdate)", username)
            var failures = 1
            var first = time
            if let row, let started = row.optionalDate("first_failure_at"), time.timeIntervalSince(started) < Self.failureWindow {
                failures = try row.int("failures") + 1
                first = started
            }
            let lock: Date? = failures >= Self.maximumFailures ? time.addingTimeInterval(Self.lockDuration) : nil
            try await session.execute("""
                INSERT INTO login_failures (username, failures, first_failure_at, locked_until) VALUES ($1, $2, $3, $4)
                ON CONFLICT (username) DO UPDATE SET failures = excluded.failures, first_failure_at = excluded.first_failure_at,
                    locked_until = excluded.locked_until
                """, username, failures, first, lock)
            var audit = audit
            audit.detail["failures"] = String(failures)
            if let lock { audit.detail["locked_until"] = Timestamp.format(lock) }
            try await AuditTrail.append(audit, in: session, at: time)
            return lock
        }
    }
}
