import Foundation
import HaiheCore
import Hummingbird
import NIOCore

/// What the platform knows about one request while it is being handled: only per-request data.
public struct HaiheRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's address, for the audit trail and rate limits.
    public let clientAddress: String?
    /// Set by the authentication middleware when the caller proved who they are.
    public var identity: Identity?
    /// The request id that the observation middleware assigned (or took from `X-Request-Id`).
    public var requestID: String?

    /// JSON out in snake_case with ISO 8601 instants, as the platform's API documents it.
    public var responseEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.clientAddress = source.channel.remoteAddress?.ipAddress
    }

    /// An audit draft for this request, by its caller.
    func auditDraft(_ action: String, objectType: String, objectID: String? = nil, outcome: AuditEvent.Outcome = .success,
                    detail: [String: String] = [:]) -> AuditDraft {
        AuditDraft(actor: identity?.subject, action: action, objectType: objectType, objectID: objectID, outcome: outcome,
                   clientAddress: clientAddress, requestID: requestID, detail: detail)
    }

    func auditDraft(_ action: Action, objectID: String? = nil, detail: [String: String] = [:]) -> AuditDraft {
        auditDraft(action.rawValue, objectType: action.objectType, objectID: objectID, detail: detail)
    }
}
