import Foundation
import HaiheCore
import HaiheStore
import Hummingbird
import NIOHTTP1

extension HaiheError.Kind {
    var status: HTTPResponse.Status {
        switch self {
        case .invalidInput: .badRequest
        case .unauthenticated: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .tooManyRequests: .tooManyRequests
        case .unavailable: .serviceUnavailable
        case .internalFailure: .internalServerError
        }
    }
}

/// The JSON body of every error the API returns: `{ "error": { "code", "message", "message_zh", "message_en" } }`.
struct ErrorBody: Encodable {
    struct Detail: Encodable {
        let code: String
        let message: String
        let message_zh: String
        let message_en: String
    }
    let error: Detail

    init(_ error: HaiheError) {
        self.error = Detail(code: error.code, message: error.message, message_zh: error.messageZH, message_en: error.messageEN)
    }
}

extension HaiheError: HTTPResponseError {
    public var status: HTTPResponse.Status { kind.status }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try JSONEncoder().encode(ErrorBody(self))
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Turns every error a handler or Hummingbird throws into the platform's bilingual JSON error,
/// so that clients see one shape whatever went wrong, and never a stack trace.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let failure: HaiheError
        do {
            return try await next(request, context)
        } catch let error as HaiheError {
            failure = error
        } catch let error as any HTTPResponseError {
            failure = Self.translate(status: error.status, error: error)
        } catch let error as HTTPParserError {
            // The client sent a body that is not HTTP (a bad chunk size, fewer bytes than its Content-Length): its fault.
            failure = HaiheError(.invalidInput, code: "request.malformed", zh: "请求格式错误：\(error)", en: "Malformed HTTP request: \(error)")
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            failure = HaiheError(.internalFailure, code: "internal", zh: "服务器内部错误，已记录", en: "Internal server error; it has been logged")
        }
        return try failure.response(from: request, context: context)
    }

    static func translate(status: HTTPResponse.Status, error: any Error) -> HaiheError {
        switch status {
        case .notFound:
            return HaiheError(.notFound, code: "route.not_found", zh: "请求的地址不存在", en: "No such endpoint")
        case .methodNotAllowed:
            return HaiheError(.invalidInput, code: "route.method_not_allowed", zh: "该地址不支持此请求方法", en: "Method not allowed on this endpoint")
        case .contentTooLarge:
            return HaiheError(.invalidInput, code: "request.too_large", zh: "请求体过大", en: "Request body too large")
        case .unauthorized:
            return HaiheError(.unauthenticated, code: "auth.required", zh: "需要登录或提供有效的访问令牌", en: "Authentication required")
        case .forbidden:
            return HaiheError(.forbidden, code: "auth.forbidden", zh: "无权执行此操作", en: "Not allowed")
        default:
            let detail = (error as? HTTPError)?.body ?? status.reasonPhrase
            return HaiheError(status.code >= 500 ? .internalFailure : .invalidInput, code: "request.invalid",
                              zh: "请求无效：\(detail)", en: "Invalid request: \(detail)")
        }
    }
}

// Domain types go out as JSON as they are (snake_case keys, by the context's encoder).
extension Organization: ResponseGenerator, ResponseEncodable {}
extension User: ResponseGenerator, ResponseEncodable {}
extension APIKey: ResponseGenerator, ResponseEncodable {}
extension CatalogEntry: ResponseGenerator, ResponseEncodable {}
