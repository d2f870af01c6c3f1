import Foundation
import HaiheCore
import Hummingbird
import Synchronization
import HTTPTypes

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

    /// What taking a token gave: nil `wait` when allowed (else the seconds to wait), and the whole tokens left.
    struct Outcome {
        var wait: Int?
        var remaining: Int
    }

    /// Takes one token for `key`.
    func take(_ key: String, now: ContinuousClock.Instant = .now) -> Outcome {
        guard perMinute > 0 else { return Outcome(wait: nil, remaining: Int.max) }
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
                return Outcome(wait: nil, remaining: Int(bucket.tokens))
            }
            buckets[key] = bucket
            return Outcome(wait: max(1, Int(((1 - bucket.tokens) / refillPerSecond).rounded(.up))), remaining: 0)
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
    static let limitHeader = HTTPField.Name("X-RateLimit-Limit")!
    static let remainingHeader = HTTPField.Name("X-RateLimit-Remaining")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if Self.exempt.contains(path) { return try await next(request, context) }
        let client = context.clientAddress ?? "unknown"
        var wait: Int?
        if request.method == .post && (path == "/login" || path == "/api/v1/auth/token") {
            wait = signIn.take("signin|" + client).wait
        }
        // The caller's own budget, told on every answer (X-RateLimit-*, as GitHub's and most public APIs do).
        var budget = RateLimiter.Outcome(wait: nil, remaining: 0)
        var limit = 0
        if wait == nil {
            switch context.identity?.proof {
            case .apiKey(let key): (budget, limit) = (keyed.take("key|" + key.id), keyed.perMinute)
            case .session: (budget, limit) = (keyed.take("user|" + (context.identity?.user.id ?? client)), keyed.perMinute)
            case nil: (budget, limit) = (anonymous.take("ip|" + client), anonymous.perMinute)
            }
            wait = budget.wait
        }
        var response: Response
        if let wait {
            response = try HaiheError(.tooManyRequests, code: "rate_limited",
                                      zh: "请求过于频繁，请 \(wait) 秒后再试", en: "Too many requests; try again in \(wait) s")
                .response(from: request, context: context)
            response.headers[.retryAfter] = String(wait)
        } else {
            response = try await next(request, context)
        }
        if limit > 0 {
            response.headers[Self.limitHeader] = String(limit)
            response.headers[Self.remainingHeader] = String(budget.remaining)
        }
        return response
    }
}
