import HaiheStore
import Hummingbird

/// Liveness, readiness and metrics: what load balancers and Prometheus ask of every instance.
struct HealthController {
    let store: Store
    let metrics: PlatformMetrics

    func addRoutes(to router: Router<HaiheRequestContext>) {
        router.get("/healthz") { _, _ in Self.plain("ok\n") }
        router.get("/readyz") { _, _ -> Response in
            do {
                try await store.database.ping()
                return Self.plain("ready\n")
            } catch {
                return Self.plain("database unavailable\n", status: .serviceUnavailable)
            }
        }
        router.get("/metrics") { _, _ -> Response in
            let pool = await store.database.statistics()
            metrics.setPoolGauge("connections", pool.connections, help: "Database connections the pool may hold")
            metrics.setPoolGauge("in_use", pool.inUse, help: "Database connections lent out now")
            metrics.setPoolGauge("waiting", pool.waiting, help: "Callers waiting for a database connection")
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: metrics.registry.emitToBuffer())))
        }
    }

    static func plain(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
