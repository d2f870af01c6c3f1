import Foundation
import HaiheCore
import Hummingbird
import Synchronization

/// Token buckets per client. Limits live in each instance's memory: with N instances behind a
/// balancer a client gets up to N times the rate, which still bounds abuse; account lock-out,
/// which must hold across instances, lives in the database (`AuthStore`).
final class RateLimiter: Sendable {
    struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    let perMinute: Int
    private let buckets = Mutex<[String: Bucket]>([:])

    init(perMinute: Int) { self.perMinute = perMinute }

    /// Whether `key` has no token left now, without taking one.
    func isExhausted(_ key: String, now: ContinuousClock.Instant = .now) -> Bool {
        guard perMinute > 0 else { return false }
        return buckets.withLock { buckets in
            guard let bucket = buckets[key] else { return false }
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            return bucket.tokens + seconds * Double(perMinute) / 60 < 1
        }
    }

    /// Takes one token for `key`; returns nil when allowed, or the seconds to wait.
    func take(_ key: String, now: ContinuousClock.Instant = .now) -> Int? {
        guard perMinute > 0 else { return nil }
        let capacity = Double(perMinute)
        let refillPerSecond = capacity / 60
        return buckets.withLock { buckets in
            if buckets.count > 100_000 { buckets.removeAll() }  // bounded memory under a flood of addresses
            var bucket = buckets[key] ?? Bucket(tokens: capacity, updated: now)
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(capacity, bucket.tokens + seconds * refillPerSecond)
            bucket.updated = now
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                buckets[key] = bucket
                return nil
            }
            buckets[key] = bucket
            return max(1, Int(((1 - bucket.tokens) / refillPerSecond).rounded(.up)))
        }
    }
}

/// Limits requests per client: anonymous callers by address, API-key callers by key (a higher limit),
/// and sign-in attempts by address (a low limit, against password guessing).
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = HaiheRequestContext
    let anonymous: RateLimiter
    let keyed: RateLimiter
    let signIn: RateLimiter

    init(settings: ServerSettings) {
        anonymous = RateLimiter(perMinute: settings.anonymousRequestsPerMinute)
        keyed = RateLimiter(perMinute: settings.keyRequestsPerMinute)
        signIn = RateLimiter(perMinute: settings.signInAttemptsPerMinute)
    }

    static let exempt: Set<String> = ["/healthz", "/readyz", "/metrics"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if Self.exempt.contains(path) { return try await next(request, context) }
        let client = context.clientAddress ?? "unknown"
        var wait: Int?
        if request.method == .post && (path == "/login" || path == "/api/v1/auth/token") {
            wait = signIn.take("signin|" + client)
        }
        if wait == nil {
            switch context.identity?.proof {
            case .apiKey(let key): wait = keyed.take("key|" + key.id)
            case .session: wait = keyed.take("user|" + (context.identity?.user.id ?? client))
            case nil: wait = anonymous.take("ip|" + client)
            }
        }
        if let wait {
            var response = try HaiheError(.tooManyRequests, code: "rate_limited",
                                          zh: "请求过于频繁，请 \(wait) 秒后再试", en: "Too many requests; try again in \(wait) s")
                .response(from: request, context: context)
            response.headers[.retryAfter] = String(wait)
            return response
        }
        return try await next(request, context)
    }
}
