import Hummingbird
import NIOCore

/// What the platform knows about one request while it is being handled: only per-request data.
public struct HaiheRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's address, for the audit trail.
    public let clientAddress: String?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.clientAddress = source.channel.remoteAddress?.ipAddress
    }
}
