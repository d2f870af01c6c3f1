import Foundation
import HaiheCore
import HaiheStore
import Hummingbird

/// The open catalog in DCAT-AP: `/catalog.ttl`, `/catalog.jsonld`, `/dataset/{id}.ttl`, `/dataset/{id}.jsonld`.
/// Public, like the open catalog itself; nothing that is not open ever appears.
struct DCATController: Sendable {
    let store: Store
    let ckan: CKANAPI

    func addRoutes(to router: Router<HaiheRequestContext>) {
        router.get("/catalog.ttl") { request, _ -> Response in
            Self.respond(try await catalogGraph(request).turtle(), type: "text/turtle")
        }
        router.get("/catalog.jsonld") { request, _ -> Response in
            Self.respond(String(decoding: try await catalogGraph(request).jsonLD(), as: UTF8.self), type: "application/ld+json")
        }
        router.get("/dataset/{file}") { request, context -> Response in
            let file = try context.parameters.require("file")
            let (id, format): (String, String) = file.hasSuffix(".ttl") ? (String(file.dropLast(4)), "ttl")
                : file.hasSuffix(".jsonld") ? (String(file.dropLast(7)), "jsonld") : (file, "")
            guard !format.isEmpty, let entry = try await ckan.findOpen(id) else {
                throw HaiheError.notFound("dataset", zh: "开放数据集", id: id)
            }
            let graph = DCAT.dataset(entry, organizations: try await ckan.organizationMap(), base: CKANAPI.baseURL(request))
            return format == "ttl" ? Self.respond(graph.turtle(), type: "text/turtle")
                : Self.respond(String(decoding: graph.jsonLD(), as: UTF8.self), type: "application/ld+json")
        }
    }

    func catalogGraph(_ request: Request) async throws -> RDFGraph {
        let organizations = try await ckan.organizationMap()
        let regulator = organizations.values.first { $0.kind == .regulator && $0.divisionCode == "120000" }
        return DCAT.catalog(try await ckan.allOpen(), organizations: organizations, publisher: regulator, base: CKANAPI.baseURL(request))
    }

    static func respond(_ text: String, type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "\(type); charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
