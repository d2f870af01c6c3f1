import ArgumentParser
import Foundation
import HaiheCore
import HaiheServer
import HaiheStore
import Logging
import ServiceLifecycle

/// `haihe serve`: runs the platform until SIGTERM or Ctrl-C, then finishes in-flight requests and stops.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the platform's web server.")

    @Option(help: "Address to listen on (env HAIHE_HOST, default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (env HAIHE_PORT, default 8080).")
    var port: Int?

    @Flag(help: "Load the demo city once: organisations, users for every role; writes DATA_DIR/demo-credentials.json (env HAIHE_DEMO=1).")
    var demo = false

    @Flag(name: .customLong("secure-cookies"), help: "Mark session cookies Secure, for a platform served over HTTPS (env HAIHE_SECURE_COOKIES=1).")
    var secureCookies = false

    @Option(name: .customLong("rate-limit-anonymous"), help: "Requests per minute per address without an API key; 0 turns the limit off (env HAIHE_RATE_LIMIT_ANONYMOUS, default 600).")
    var anonymousLimit: Int?

    @Option(name: .customLong("rate-limit-key"), help: "Requests per minute per API key or signed-in user (env HAIHE_RATE_LIMIT_KEY, default 6000).")
    var keyLimit: Int?

    @Option(name: .customLong("rate-limit-signin"), help: "Sign-in attempts per minute per address (env HAIHE_RATE_LIMIT_SIGNIN, default 20).")
    var signInLimit: Int?

    @Option(name: .customLong("checkpoint-interval"), help: "Seconds between signed audit checkpoints; 0 signs only on demand (env HAIHE_CHECKPOINT_INTERVAL, default 3600).")
    var checkpointInterval: Int?

    @Option(name: .customLong("pull-interval"), help: "Seconds between looks for data sources due to be pulled; 0 pulls only on demand (env HAIHE_PULL_INTERVAL, default 30).")
    var pullInterval: Int?

    @Option(name: .customLong("answer-cache-mb"), help: "Megabytes of public data API answers kept in memory; 0 computes every answer (env HAIHE_ANSWER_CACHE_MB, default 64).")
    var answerCacheMB: Int?

    @OptionGroup var storage: StorageOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let settings = try resolvedSettings()
        let logger = try logging.bootstrap()
        // Check the port before touching any storage, so a busy port creates nothing.
        try PortCheck.ensureFree(host: settings.host, port: settings.port)
        let store = try await openMigratedStore(storage, logger: logger)
        var demoData: Task<Void, Never>?
        // Stops the demo data loader (if still running) before the store closes under it.
        func stopDemoData() async {
            demoData?.cancel()
            await demoData?.value
        }
        do {
            if demo || Setting.resolve(nil, env: "HAIHE_DEMO") == "1" {
                let directory = storage.resolvedDataDirectory
                if let credentials = try await DemoCity.load(into: store, credentialsDirectory: directory) {
                    print("演示数据已载入 / demo city loaded: \(credentials.count) users; credentials written to \(directory)/\(DemoCity.credentialsFileName)")
                    let requests = try await DemoSharing.load(into: store)
                    print("演示共享与开放申请已载入 / demo share requests and open-data applications: \(requests)")
                    // The rows (a 200,000-row registry among them) load while the platform already serves.
                    let feedHost = settings.host == "0.0.0.0" || settings.host == "::" ? "127.0.0.1" : settings.host
                    demoData = Task {
                        do {
                            let rows = try await DemoData.load(into: store, feedBaseURL: "http://\(feedHost):\(settings.port)")
                            print("演示数据行已载入 / demo data loaded: \(rows) rows across the published entries")
                        } catch is CancellationError {
                        } catch {
                            logger.error("demo data failed", metadata: ["error": "\(error)"])
                        }
                    }
                } else {
                    print("演示数据此前已载入 / demo city already loaded; credentials are in \(storage.resolvedDataDirectory)/\(DemoCity.credentialsFileName)")
                }
            }
            // Build the catalog index before listening, so the first visitor does not wait for it.
            try await store.catalog.refreshIndex()
            let nodeKey = try NodeKey.load(dataDirectory: storage.resolvedDataDirectory)
            let app = buildApplication(store: store, settings: settings, nodeKey: nodeKey, logger: logger)
            print("海河 Haihe listening on http://\(settings.host):\(settings.port) (\(storage.location.description))")
            let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        } catch {
            await stopDemoData()
            await store.close()
            throw PortCheck.explain(error, host: settings.host, port: settings.port)
        }
        await stopDemoData()
        await store.close()
        logger.info("stopped")
    }

    func resolvedSettings() throws -> ServerSettings {
        let host = Setting.resolve(self.host, env: "HAIHE_HOST", default: "127.0.0.1")!
        let portText = port.map(String.init) ?? Setting.resolve(nil, env: "HAIHE_PORT", default: "8080")!
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw HaiheError.invalid("port", zh: "端口 \(portText) 无效（应为1至65535）", en: "Port \(portText) is not valid (1 to 65535)")
        }
        func number(_ flag: Int?, _ env: String, _ fallback: Int) throws -> Int {
            let text = flag.map(String.init) ?? Setting.resolve(nil, env: env, default: String(fallback))!
            guard let value = Int(text), value >= 0 else {
                throw HaiheError.invalid("setting.number", zh: "\(env) 应为非负整数，而不是 \(text)", en: "\(env) must be a whole number ≥ 0, not \(text)")
            }
            return value
        }
        var settings = ServerSettings(host: host, port: port,
                              secureCookies: secureCookies || Setting.resolve(nil, env: "HAIHE_SECURE_COOKIES") == "1",
                              anonymousRequestsPerMinute: try number(anonymousLimit, "HAIHE_RATE_LIMIT_ANONYMOUS", 600),
                              keyRequestsPerMinute: try number(keyLimit, "HAIHE_RATE_LIMIT_KEY", 6000),
                              signInAttemptsPerMinute: try number(signInLimit, "HAIHE_RATE_LIMIT_SIGNIN", 20),
                              checkpointInterval: try number(checkpointInterval, "HAIHE_CHECKPOINT_INTERVAL", 3600),
                              pullInterval: try number(pullInterval, "HAIHE_PULL_INTERVAL", 30),
                              demoFeeds: demo || Setting.resolve(nil, env: "HAIHE_DEMO") == "1")
        settings.answerCacheBytes = min(try number(answerCacheMB, "HAIHE_ANSWER_CACHE_MB", 64), 1 << 20) << 20
        return settings
    }
}
