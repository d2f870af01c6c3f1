import HaiheCore
import HaiheStore
import Hummingbird
import Logging

/// How a `haihe serve` process is set up, resolved from flags and `HAIHE_*` variables by the CLI.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    public var serverName: String

    public init(host: String = "127.0.0.1", port: Int = 8080, serverName: String = "Haihe") {
        self.host = host
        self.port = port
        self.serverName = serverName
    }
}

/// The one composition root: `haihe serve` and the tests both build the application here,
/// handing it an opened and migrated store.
public func buildApplication(store: Store, settings: ServerSettings, logger: Logger) -> some ApplicationProtocol {
    let metrics = PlatformMetrics()
    let router = buildRouter(store: store, metrics: metrics)
    return Application(
        router: router,
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: settings.serverName),
        logger: logger
    )
}

func buildRouter(store: Store, metrics: PlatformMetrics) -> Router<HaiheRequestContext> {
    let router = Router(context: HaiheRequestContext.self)
    router.middlewares.add(ObservationMiddleware(metrics: metrics))
    router.middlewares.add(ErrorMiddleware())
    HealthController(store: store, metrics: metrics).addRoutes(to: router)
    PlatformController(store: store).addRoutes(to: router)
    return router
}
