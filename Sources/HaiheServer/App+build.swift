import HaiheCore
import HaiheStore
import Hummingbird
import Logging
import ServiceLifecycle

/// How a `haihe serve` process is set up, resolved from flags and `HAIHE_*` variables by the CLI.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    public var serverName: String
    /// Mark the session cookie `Secure` (set when the platform is served over HTTPS).
    public var secureCookies: Bool
    /// Requests per minute for a caller without an API key, per address (0: no limit).
    public var anonymousRequestsPerMinute: Int
    /// Requests per minute for a caller with an API key or a session, per key or user (0: no limit).
    public var keyRequestsPerMinute: Int
    /// Sign-in attempts per minute per address (0: no limit).
    public var signInAttemptsPerMinute: Int
    /// How often the audit chain head is signed (seconds; 0: only on demand).
    public var checkpointInterval: Int
    /// How often due data sources are looked for (seconds; 0: only pulled on demand).
    public var pullInterval: Int
    /// Serve `/demo/feeds/{code}.csv`, the demo city's stand-in for a department's own system.
    public var demoFeeds: Bool
    /// "Now" for deadlines, grants and escalation; tests set a clock they drive.
    public var clock: any PlatformClock = SystemClock()
    /// Bytes of public data API answers kept in memory for versions open to all (0: none kept, every answer computed).
    public var answerCacheBytes: Int = 64 << 20

    public init(host: String = "127.0.0.1", port: Int = 8080, serverName: String = "Haihe", secureCookies: Bool = false,
                anonymousRequestsPerMinute: Int = 600, keyRequestsPerMinute: Int = 6000, signInAttemptsPerMinute: Int = 20,
                checkpointInterval: Int = 3600, pullInterval: Int = 30, demoFeeds: Bool = false) {
        self.pullInterval = pullInterval
        self.demoFeeds = demoFeeds
        self.host = host
        self.port = port
        self.serverName = serverName
        self.secureCookies = secureCookies
        self.anonymousRequestsPerMinute = anonymousRequestsPerMinute
        self.keyRequestsPerMinute = keyRequestsPerMinute
        self.signInAttemptsPerMinute = signInAttemptsPerMinute
        self.checkpointInterval = checkpointInterval
    }
}

/// The one composition root: `haihe serve` and the tests both build the application here,
/// handing it an opened and migrated store.
public func buildApplication(store: Store, settings: ServerSettings, nodeKey: NodeKey, logger: Logger) -> some ApplicationProtocol {
    let metrics = PlatformMetrics()
    let router = buildRouter(store: store, settings: settings, nodeKey: nodeKey, metrics: metrics)
    var services: [any Service] = []
    if settings.checkpointInterval > 0 {
        // Signing the chain head regularly makes rewritten history detectable even by someone who can write the database.
        services.append(PeriodicService(name: "audit checkpoint", interval: settings.checkpointInterval, logger: logger) {
            if let checkpoint = try await store.audit.checkpoint(key: nodeKey) {
                logger.info("audit checkpoint signed", metadata: ["sequence": "\(checkpoint.sequence)"])
            }
        })
    }
    if settings.pullInterval > 0 {
        // Scheduled connection of departments' systems (Art. 11).
        services.append(PeriodicService(name: "data pull", interval: settings.pullInterval, logger: logger) {
            for run in try await store.dataSources.runDue(secrets: SecretBox(nodeKey: nodeKey)) {
                logger.info("data pulled", metadata: ["source": "\(run.sourceID)", "status": "\(run.status)", "message": "\(run.message ?? "")"])
            }
            // Art. 17: an unanswered share request past its two working days goes before the regulator.
            for request in try await store.sharing.escalateOverdue(at: settings.clock.now()) {
                logger.info("share request escalated", metadata: ["request": "\(request.id)", "provider": "\(request.providerID)"])
            }
        })
    }
    return Application(
        router: router,
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: settings.serverName),
        services: services,
        logger: logger
    )
}

func buildRouter(store: Store, settings: ServerSettings, nodeKey: NodeKey, metrics: PlatformMetrics) -> Router<HaiheRequestContext> {
    // HEAD from the GET handler without the body, for the public routes PublicAPIMiddleware lets through.
    let router = Router(context: HaiheRequestContext.self, options: .autoGenerateHeadEndpoints)
    // Order matters: observe everything, read `+` as a space and answer CORS, turn every error into the JSON shape, establish identity,
    // then limit rates (by key when there is one, by address otherwise).
    router.middlewares.add(ObservationMiddleware(metrics: metrics))
    router.middlewares.add(PublicAPIMiddleware())
    router.middlewares.add(ErrorMiddleware())
    router.middlewares.add(AuthenticationMiddleware(store: store))
    router.middlewares.add(RateLimitMiddleware(settings: settings))
    let accessGuard = Guard(store: store)
    HealthController(store: store, metrics: metrics).addRoutes(to: router)
    OpenAPIDocument.addRoutes(to: router)
    PlatformController(store: store).addRoutes(to: router)
    IdentityAPI(store: store, guard: accessGuard).addRoutes(to: router)
    AuditAPI(store: store, guard: accessGuard, nodeKey: nodeKey).addRoutes(to: router)
    CatalogAPI(store: store, guard: accessGuard).addRoutes(to: router)
    RectificationAPI(store: store, guard: accessGuard).addRoutes(to: router)
    DataAPI(store: store, guard: accessGuard, secrets: SecretBox(nodeKey: nodeKey)).addRoutes(to: router)

    Console(store: store, guard: accessGuard, settings: settings).addRoutes(to: router)
    CatalogConsole(store: store, guard: accessGuard).addRoutes(to: router)
    DataConsole(store: store, guard: accessGuard, secrets: SecretBox(nodeKey: nodeKey)).addRoutes(to: router)
    let shared = SharedData(store: store, nodeKey: nodeKey)
    SharingAPI(store: store, guard: accessGuard, shared: shared, clock: settings.clock).addRoutes(to: router)
    CalendarAPI(store: store, guard: accessGuard, nodeKey: nodeKey, clock: settings.clock).addRoutes(to: router)
    let openData = OpenDataAPI(store: store, guard: accessGuard, clock: settings.clock, cache: OpenDataCache(budget: settings.answerCacheBytes))
    openData.addRoutes(to: router)
    openData.addApplicationRoutes(to: router)
    let ckan = CKANAPI(store: store, openData: openData)
    ckan.addRoutes(to: router)
    DCATController(store: store, ckan: ckan).addRoutes(to: router)
    let interaction = InteractionAPI(store: store, guard: accessGuard, openData: openData)
    interaction.addRoutes(to: router)
    Portal(store: store, guard: accessGuard, openData: openData, interaction: interaction).addRoutes(to: router)
    InteractionConsole(store: store, guard: accessGuard, interaction: interaction).addRoutes(to: router)
    OpenApplicationConsole(store: store, guard: accessGuard, openData: openData).addRoutes(to: router)
    SharingConsole(store: store, guard: accessGuard, shared: shared, clock: settings.clock).addRoutes(to: router)
    if settings.demoFeeds {
        // A department's system as the demo city pulls it: fresh rows for a demo entry, every time it is asked.
        router.get("/demo/feeds/{file}") { _, context -> Response in
            let file = try context.parameters.require("file")
            guard file.hasSuffix(".csv"), let entry = try await store.catalog.findPublished(String(file.dropLast(4)), in: .government) else {
                throw HaiheError.notFound("demo_feed", zh: "演示数据源", id: file)
            }
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: DemoData.feed(for: entry))))
        }
    }
    return router
}

/// Runs a job on a fixed interval until the service group shuts down: the hourly audit checkpoint, scheduled pulls.
/// A failed round is logged and the next one runs on time.
struct PeriodicService: Service {
    let name: String
    let interval: Int
    let logger: Logger
    let work: @Sendable () async throws -> Void

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    try await Task.sleep(for: .seconds(interval))
                    do { try await work() } catch { logger.error("\(name) failed", metadata: ["error": "\(error)"]) }
                }
            }
        } catch is CancellationError {
            return
        }
    }
}
