import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Prometheus

/// Observes every request once: gives it an id (echoed in `X-Request-Id`), logs one structured line
/// with status and duration when it ends, and counts it in the Prometheus registry per route.
struct ObservationMiddleware: RouterMiddleware {
    typealias Context = HaiheRequestContext
    let metrics: PlatformMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let requestID = request.headers[.requestID].flatMap { $0.count <= 128 ? $0 : nil } ?? context.id
        var context = context
        context.logger[metadataKey: "hb.request.id"] = nil
        context.logger[metadataKey: "request_id"] = .string(requestID)
        context.requestID = requestID
        var response = try await next(request, context)
        response.headers[.requestID] = requestID
        let elapsed = ContinuousClock.now - start
        // Unmatched paths share one label so that probing random URLs cannot grow the metric set without bound.
        let route = context.endpointPath ?? "unmatched"
        metrics.recordRequest(route: route, method: request.method.rawValue, status: response.status.code, duration: elapsed)
        let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        context.logger.info("request", metadata: [
            "method": .string(request.method.rawValue),
            "path": .string(request.uri.path),
            "route": .string(route),
            "status": .stringConvertible(response.status.code),
            "duration_ms": .string(String(format: "%.3f", milliseconds)),
        ])
        return response
    }
}

/// The platform's Prometheus registry and the metrics it keeps.
public final class PlatformMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    static let buckets: [Duration] = [.microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
                                      .milliseconds(2.5), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                                      .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                                      .seconds(1), .seconds(2.5), .seconds(5), .seconds(10)]

    public init() {}

    static var requests: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "haihe", subsystem: "http", metricName: "requests", unitName: "total",
                             helpText: "HTTP requests answered, by route, method and status")
    }
    static var duration: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "haihe", subsystem: "http", metricName: "request_duration", unitName: "seconds",
                             helpText: "Time to answer an HTTP request, by route and method")
    }

    func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        registry.makeCounter(descriptor: Self.requests, labels: [("route", route), ("method", method), ("status", String(status))]).increment()
        registry.makeDurationHistogram(descriptor: Self.duration, labels: [("route", route), ("method", method)], buckets: Self.buckets)
            .record(duration)
    }

    /// Sets a gauge of the database pool (`haihe_db_pool_<name>`).
    func setPoolGauge(_ name: String, _ value: Int, help: String) {
        registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "haihe", subsystem: "db_pool", metricName: name, unitName: "", helpText: help))
            .set(Double(value))
    }
}

extension HTTPField.Name {
    /// Correlates a request across client, logs and audit trail.
    public static let requestID = HTTPField.Name("X-Request-Id")!
}
