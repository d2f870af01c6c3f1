import HTTPTypes
import Hummingbird

/// What every request to the API gets before anything else looks at it:
///
/// - A `+` in the query is a space. HTML forms and most HTTP libraries (Python's `urlencode`, `requests`) write spaces
///   that way, and the router's query decoding reads only `%20`, so `q=企业+登记` searched for the literal `+`.
/// - Browser apps on other origins may call `/api/…` (CORS): preflights are answered here, and every answer — errors and
///   429s too — names the headers a script may read. Credentials travel as API keys in `Authorization`, never as cookies
///   (`*` forbids those), so opening the API to every origin exposes nothing a page could not already ask for.
struct PublicAPIMiddleware<Context: RequestContext>: RouterMiddleware {
    static var allowedHeaders: String { "Authorization, Content-Type, If-None-Match, If-Modified-Since, X-CKAN-API-Key" }
    static var exposedHeaders: String { "ETag, Last-Modified, Retry-After, X-Request-Id, Content-Disposition, X-RateLimit-Limit, X-RateLimit-Remaining" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.head.path ?? ""
        let isAPI = path.hasPrefix("/api/")
        if isAPI, request.method == .options {
            return Response(status: .noContent, headers: [
                .accessControlAllowOrigin: "*",
                .accessControlAllowMethods: "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
                .accessControlAllowHeaders: Self.allowedHeaders,
                .accessControlMaxAge: "86400",
            ])
        }
        var response = try await next(Self.plusAsSpace(request), context)
        if isAPI {
            if response.headers[.accessControlAllowOrigin] == nil { response.headers[.accessControlAllowOrigin] = "*" }
            response.headers[.accessControlExposeHeaders] = Self.exposedHeaders
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
