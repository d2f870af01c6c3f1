import HaiheCore
import HaiheStore

/// Who made a request and how they proved it.
public struct Identity: Sendable {
    public enum Proof: Sendable {
        /// A browser session cookie; state-changing requests must also carry the session's CSRF token.
        case session(token: String, csrfToken: String)
        /// A bearer token: an API key or a login token, limited to its scopes.
        case apiKey(APIKey)
    }

    public let user: User
    public let proof: Proof

    public var subject: Subject {
        var scopes: Set<Scope>?
        if case .apiKey(let key) = proof { scopes = key.scopes }
        return Subject(userID: user.id, username: user.username, organizationID: user.organizationID, roles: user.roles, scopes: scopes)
    }

    public var csrfToken: String? {
        if case .session(_, let csrf) = proof { return csrf }
        return nil
    }
}
