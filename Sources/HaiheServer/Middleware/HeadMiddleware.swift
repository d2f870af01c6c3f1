import HaiheCore
import Hummingbird

/// The router answers HEAD from a route's GET handler, dropping the body. That is allowed only for the public pages and
/// the read-only public API (link checkers and `curl -I` ask those): elsewhere a GET may record what it hands out — a
/// sharing delivery with its certificate, an audit export — and a HEAD hands out nothing.
struct HeadMiddleware<Context: RequestContext>: RouterMiddleware {
    static var publicPrefixes: [String] {
        ["/api/v1/datasets", "/api/v1/showcase", "/api/v1/data-requests", "/api/v1/platform", "/api/3/", "/api/action/",
         "/datasets", "/showcase", "/requests", "/verify", "/catalog.", "/openapi.json", "/healthz", "/readyz"]
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.method == .head {
            let path = request.uri.path
            guard path == "/" || Self.publicPrefixes.contains(where: { path.hasPrefix($0) }) else {
                throw HaiheError(.invalidInput, code: "route.method_not_allowed",
                                 zh: "HEAD 仅用于公开页面和公开数据接口，请使用 GET", en: "HEAD is answered for public pages and the public data API only; use GET")
            }
        }
        return try await next(request, context)
    }
}
