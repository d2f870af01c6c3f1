import HaiheCore
import HTTPTypes
import Hummingbird

/// What every request gets before anything else looks at it:
///
/// - A `+` in the query is a space. HTML forms and most HTTP libraries (Python's `urlencode`, `requests`) write spaces
///   that way, and the router's query decoding reads only `%20`, so `q=企业+登记` searched for the literal `+`.
/// - Browser apps on other origins may call `/api/…` (CORS): preflights are answered here, and every answer — errors and
///   429s too — may be read by their scripts. Credentials travel as API keys in `Authorization`, never as cookies
///   (`*` forbids those), so opening the API to every origin exposes nothing a page could not already ask for.
/// - The router answers HEAD from a route's GET handler, dropping the body. That is allowed only for the public pages
///   and the read-only public API (link checkers and `curl -I` ask those): elsewhere a GET may record what it hands out
///   — a sharing delivery with its certificate, an audit export — and a HEAD hands out nothing.
///
/// One middleware rather than three: each layer costs every request, the hottest (a row by key) included.
struct PublicAPIMiddleware<Context: RequestContext>: RouterMiddleware {
    static var allowedHeaders: String { "Authorization, Content-Type, If-None-Match, If-Modified-Since, X-CKAN-API-Key" }
    static var exposedHeaders: String { "ETag, Last-Modified, Retry-After, X-Request-Id, Content-Disposition, X-RateLimit-Limit, X-RateLimit-Remaining" }
    static var headPrefixes: [String] {
        ["/api/v1/datasets", "/api/v1/showcase", "/api/v1/data-requests", "/api/v1/platform", "/api/3/", "/api/action/",
         "/datasets", "/showcase", "/requests", "/verify", "/catalog.", "/openapi.json", "/healthz", "/readyz"]
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let isAPI = path.hasPrefix("/api/")
        if isAPI, request.method == .options {
            return Response(status: .noContent, headers: [
                .accessControlAllowOrigin: "*",
                .accessControlAllowMethods: "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
                .accessControlAllowHeaders: Self.allowedHeaders,
                .accessControlMaxAge: "86400",
            ])
        }
        if request.method == .head, path != "/", !Self.headPrefixes.contains(where: { path.hasPrefix($0) }) {
            return try HaiheError(.invalidInput, code: "route.method_not_allowed",
                                  zh: "HEAD 仅用于公开页面和公开数据接口，请使用 GET", en: "HEAD is answered for public pages and the public data API only; use GET")
                .response(from: request, context: context)
        }
        var response = try await next(Self.plusAsSpace(request), context)
        if isAPI {
            if response.headers[.accessControlAllowOrigin] == nil { response.headers[.accessControlAllowOrigin] = "*" }
            // Only a cross-origin caller (a browser sends Origin) needs to be told which headers its script may read.
            if request.headers[.origin] != nil { response.headers[.accessControlExposeHeaders] = Self.exposedHeaders }
        }
        return response
    }

    /// The request with each `+` of its query written `%20` (a literal plus arrives as `%2B` and is left alone).
    static func plusAsSpace(_ request: Request) -> Request {
        guard let path = request.head.path, let mark = path.utf8.firstIndex(of: UInt8(ascii: "?")),
              path.utf8[mark...].contains(UInt8(ascii: "+")) else { return request }
        var head = request.head
        head.path = String(path[..<mark]) + path[mark...].replacingOccurrences(of: "+", with: "%20")
        return Request(head: head, body: request.body)
    }
}
