/// An error a user can meet, with a message fit to show them in Chinese and in English.
///
/// The HTTP layer maps `kind` to a status code and renders `{ "error": { "code", "message" } }`;
/// the command line prints `message`. Nothing outside the core invents user-facing wording.
public struct HaiheError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What sort of failure this is; decides the HTTP status.
    public enum Kind: String, Sendable {
        case invalidInput      // 400
        case unauthenticated   // 401
        case forbidden         // 403
        case notFound          // 404
        case conflict          // 409
        case tooManyRequests   // 429
        case unavailable       // 503
        case internalFailure   // 500
    }

    public var kind: Kind
    /// A stable machine-readable code, e.g. `organization.credit_code_invalid`.
    public var code: String
    public var messageZH: String
    public var messageEN: String
    /// For `tooManyRequests`: how many seconds the caller should wait (sent as `Retry-After`).
    public var retryAfter: Int?

    public init(_ kind: Kind, code: String, zh: String, en: String) {
        self.kind = kind
        self.code = code
        self.messageZH = zh
        self.messageEN = en
    }

    /// Both languages on one line, Chinese first, as the platform's users read it.
    public var message: String { "\(messageZH) / \(messageEN)" }
    public var description: String { message }
}

extension HaiheError {
    public static func invalid(_ code: String, zh: String, en: String) -> HaiheError {
        HaiheError(.invalidInput, code: code, zh: zh, en: en)
    }

    public static func notFound(_ what: String, zh: String, id: String) -> HaiheError {
        HaiheError(.notFound, code: "\(what).not_found", zh: "未找到\(zh)：\(id)", en: "No \(what) with id \(id)")
    }

    public static func conflict(_ code: String, zh: String, en: String) -> HaiheError {
        HaiheError(.conflict, code: code, zh: zh, en: en)
    }
}
