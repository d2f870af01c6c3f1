import Foundation
import HaiheCore
import HaiheStore
import Hummingbird

/// Connecting data (数据接入, Art. 11 and 12): a department uploads batches for its published entries; each batch is
/// checked against the entry's fields, its bad rows wait in quarantine, and a new version replaces the rows at once.
struct DataAPI: Sendable {
    let store: Store
    let `guard`: Guard
    /// Seals and opens the connection strings of PostgreSQL sources.
    let secrets: SecretBox
    /// The largest upload accepted (streamed to a temporary file, never held in memory).
    static let maximumUploadBytes = 4 << 30

    struct Loaded: ResponseEncodable {
        var version: DatasetVersion
        var report: QualityReport
    }

    struct Pushed: ResponseEncodable {
        var version: DatasetVersion
        var report: QualityReport
        var replayed: Bool
    }

    struct SourceInput: Decodable {
        var kind: DataSource.Kind?
        var url: String?
        var format: BatchFormat?
        var connection: String?
        var query: String?
        var intervalMinutes: Int?
    }

    struct SourceView: ResponseEncodable {
        var source: DataSource
        var runs: [DataSourceRun]
    }

    struct Sources: ResponseEncodable {
        var items: [SourceView]
    }

    struct Versions: ResponseEncodable {
        var entryId: String
        var policy: RejectionPolicy
        var items: [DatasetVersion]
    }

    struct PolicyBody: Codable, ResponseCodable {
        var policy: RejectionPolicy
    }

    struct Rows: ResponseEncodable {
        var columns: [String]
        var rows: [[JSONValue]]
        var total: Int
        var version: Int?
    }

    func addRoutes(to router: Router<HaiheRequestContext>) {
        router.route(.post, "/api/v1/data/{entry}/batches", .dataIngest, guard: `guard`) { request, context -> Response in
            let entry = try await entry(context, .dataIngest)
            let query = request.uri.queryParameters
            let encoding = try query["encoding"].map { name in
                guard let value = TextEncoding(name: String(name)) else {
                    throw HaiheError.invalid("data.encoding", zh: "不支持的编码 \(name)（可用 utf-8、gb18030、gbk）", en: "Unknown encoding \(name) (use utf-8, gb18030 or gbk)")
                }
                return value
            }
            let delimiter = try query["delimiter"].map { text -> UInt8 in
                let value = text == "\\t" || text.lowercased() == "tab" ? "\t" : String(text)
                guard value.utf8.count == 1 else { throw HaiheError.invalid("data.delimiter", zh: "分隔符须为单个字符", en: "The delimiter must be one character") }
                return value.utf8.first!
            }
            let format = try query["format"].map { name in
                guard let value = BatchFormat(rawValue: String(name).lowercased()) else {
                    throw HaiheError.invalid("data.format", zh: "格式须为 csv、json 或 xlsx", en: "The format must be csv, json or xlsx")
                }
                return value
            } ?? BatchFormat.guess(fileName: query["filename"].map(String.init), contentType: request.headers[.contentType])
            // The body goes to a temporary file as it arrives, so memory stays flat whatever its size.
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("haihe-upload-\(Identifier.make())").path
            FileManager.default.createFile(atPath: path, contents: nil)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            var size = 0
            do {
                for try await buffer in request.body {
                    size += buffer.readableBytes
                    guard size <= Self.maximumUploadBytes else {
                        throw HaiheError.invalid("data.too_large", zh: "上传文件超过\(Self.maximumUploadBytes >> 30)GB", en: "The upload exceeds \(Self.maximumUploadBytes >> 30) GB")
                    }
                    try handle.write(contentsOf: Data(buffer: buffer))
                }
                try handle.close()
            } catch {
                try? handle.close()
                throw error
            }
            let source = try BatchSource.file(path, format: format, encoding: encoding, delimiter: delimiter,
                                              sheet: query["sheet"].map(String.init), origin: "upload")
            let (version, report) = try await store.datasets.load(entry.entryID, from: source,
                                                                 audit: context.auditDraft(.dataIngest, detail: ["bytes": String(size), "format": format.rawValue]))
            // A batch the entry's policy refused is an answer about the data, not a failure of the request.
            return try jsonResponse(Loaded(version: version, report: report), status: version.status == .published ? .created : .unprocessableContent, context: context)
        }

        // Near-real-time connection: {"batch_id", "upsert": [objects], "delete": [key objects]}, idempotent by batch id.
        router.route(.post, "/api/v1/data/{entry}/push", .dataIngest, guard: `guard`) { request, context -> Response in
            let entry = try await entry(context, .dataIngest)
            let body = try await request.body.collect(upTo: 64 << 20)
            guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] else {
                throw HaiheError.invalid("data.json", zh: "请求体应为JSON对象：{batch_id, upsert, delete}", en: "The body must be a JSON object: {batch_id, upsert, delete}")
            }
            guard let batchID = object["batch_id"] as? String else {
                throw HaiheError.invalid("data.batch_id", zh: "缺少批次号 batch_id", en: "batch_id is missing")
            }
            // A part of the wrong shape is refused rather than ignored: the batch id would be spent on a batch that did less.
            guard object["upsert"] == nil || object["upsert"] is [Any], object["delete"] == nil || object["delete"] is [[String: Any]] else {
                throw HaiheError.invalid("data.push_shape", zh: "upsert 应为对象数组，delete 应为键对象数组", en: "upsert must be an array of objects and delete an array of key objects")
            }
            let upserts = object["upsert"] as? [Any] ?? []
            let deletes = (object["delete"] as? [[String: Any]] ?? []).map { key in key.mapValues { BatchReader.text(of: $0) } }
            let bytes = [UInt8](try JSONSerialization.data(withJSONObject: upserts))
            let (version, report, replayed) = try await store.datasets.push(
                entry.entryID, batchID: batchID, upserts: .bytes(bytes, format: .json, origin: "push"), deletes: deletes,
                audit: context.auditDraft(.dataIngest, detail: ["operation": "push", "batch_id": batchID]))
            let status: HTTPResponse.Status = replayed ? .ok : version.status == .published ? .created : .unprocessableContent
            return try jsonResponse(Pushed(version: version, report: report, replayed: replayed), status: status, context: context)
        }

        // Scheduled pulls from a department's own system (an http(s) URL answering with CSV, JSON or Excel).
        router.route(.post, "/api/v1/data/{entry}/sources", .dataIngest, guard: `guard`) { request, context -> Response in
            let entry = try await entry(context, .dataIngest)
            let input = try await decode(SourceInput.self, request, context, keys: .convertFromSnakeCase)
            let audit = context.auditDraft(.dataIngest, detail: ["operation": "add_source"])
            let source: DataSource
            switch input.kind ?? .http {
            case .http:
                source = try await store.dataSources.add(entryID: entry.entryID, url: input.url ?? "", format: input.format,
                                                         intervalMinutes: input.intervalMinutes ?? 1440, audit: audit)
            case .postgres:
                source = try await store.dataSources.addPostgres(entryID: entry.entryID, connection: input.connection ?? "", query: input.query ?? "",
                                                                 intervalMinutes: input.intervalMinutes ?? 1440, secrets: secrets, audit: audit)
            }
            return try jsonResponse(source, status: .created, context: context)
        }

        router.route(.get, "/api/v1/data/{entry}/sources", .dataHistory, guard: `guard`) { _, context -> Sources in
            let entry = try await entry(context, .dataHistory)
            var items: [SourceView] = []
            for source in try await store.dataSources.sources(entryID: entry.entryID) {
                items.append(SourceView(source: source, runs: try await store.dataSources.runs(sourceID: source.id, limit: 10)))
            }
            return Sources(items: items)
        }

        router.route(.post, "/api/v1/data/{entry}/sources/{id}/run", .dataIngest, guard: `guard`) { _, context -> Response in
            let source = try await source(context, .dataIngest)
            return try jsonResponse(try await store.dataSources.run(source, secrets: secrets), context: context)
        }

        router.route(.delete, "/api/v1/data/{entry}/sources/{id}", .dataIngest, guard: `guard`) { _, context -> Response in
            let source = try await source(context, .dataIngest)
            try await store.dataSources.remove(id: source.id, audit: context.auditDraft(.dataIngest, detail: ["operation": "remove_source"]))
            return Response(status: .noContent)
        }

        router.route(.get, "/api/v1/data/{entry}/versions", .dataHistory, guard: `guard`) { _, context -> Versions in
            let entry = try await entry(context, .dataHistory)
            return Versions(entryId: entry.entryID, policy: try await store.datasets.policy(entryID: entry.entryID),
                            items: try await store.datasets.history(entryID: entry.entryID))
        }

        router.route(.get, "/api/v1/data/{entry}/versions/{version}/report", .dataHistory, guard: `guard`) { _, context -> Response in
            let (_, version) = try await version(context, .dataHistory)
            guard let report = try await store.datasets.report(versionID: version.id) else {
                throw HaiheError.notFound("quality_report", zh: "质量报告", id: version.id)
            }
            return try jsonResponse(report, context: context)
        }

        router.route(.get, "/api/v1/data/{entry}/versions/{version}/quarantine.csv", .dataHistory, guard: `guard`) { _, context -> Response in
            let (_, version) = try await version(context, .dataHistory)
            var text = "\u{FEFF}行号 row,原因 reasons,原始内容 original\r\n"
            for row in try await store.datasets.quarantine(versionID: version.id) {
                let reasons = row.problems.map { "\($0.messageZH) / \($0.messageEN)" }.joined(separator: "; ")
                text += [String(row.rowNumber), reasons, row.original].map(AuditAPI.csvField).joined(separator: ",") + "\r\n"
            }
            var headers = HTTPFields()
            headers[.contentType] = "text/csv; charset=utf-8"
            headers[.contentDisposition] = "attachment; filename=\"quarantine-v\(version.version).csv\""
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
        }

        router.route(.post, "/api/v1/data/{entry}/versions/{version}/restore", .dataIngest, guard: `guard`) { _, context -> Response in
            let (entry, version) = try await version(context, .dataIngest)
            let restored = try await store.datasets.restore(entryID: entry.entryID, versionID: version.id,
                                                            audit: context.auditDraft(.dataIngest, detail: ["operation": "restore"]))
            return try jsonResponse(restored, status: .created, context: context)
        }

        router.route(.get, "/api/v1/data/{entry}/policy", .dataHistory, guard: `guard`) { _, context -> PolicyBody in
            PolicyBody(policy: try await store.datasets.policy(entryID: try await entry(context, .dataHistory).entryID))
        }

        router.route(.put, "/api/v1/data/{entry}/policy", .dataIngest, guard: `guard`) { request, context -> PolicyBody in
            let entry = try await entry(context, .dataIngest)
            let body = try await decode(PolicyBody.self, request, context)
            try await store.datasets.setPolicy(body.policy, entryID: entry.entryID, audit: context.auditDraft(.dataIngest, detail: ["operation": "policy"]))
            return body
        }

        router.route(.get, "/api/v1/data/{entry}/rows", .dataHistory, guard: `guard`) { request, context -> Rows in
            let entry = try await entry(context, .dataHistory)
            let query = request.uri.queryParameters
            let limit = min(max(Int(query["limit"].map(String.init) ?? "") ?? 100, 1), 1000)
            let offset = min(max(Int(query["offset"].map(String.init) ?? "") ?? 0, 0), 1 << 40)
            let (columns, rows, total) = try await store.datasets.rows(entryID: entry.entryID, limit: limit, offset: offset)
            return Rows(columns: columns, rows: rows.map { $0.map(JSONValue.init) }, total: total,
                        version: try await store.datasets.current(entryID: entry.entryID)?.version)
        }
    }

    /// The published entry named in the path (id or resource code), once the caller may act on its organisation.
    func entry(_ context: HaiheRequestContext, _ action: Action) async throws -> CatalogEntry {
        let reference = try context.parameters.require("entry")
        guard let entry = try await store.catalog.findPublished(reference, in: .government) else {
            throw HaiheError.notFound("catalog_entry", zh: "已发布的目录", id: reference)
        }
        try await `guard`.require(action, on: PolicyObject(organizationID: entry.providerID), context)
        return entry
    }

    /// A pull source of that entry.
    func source(_ context: HaiheRequestContext, _ action: Action) async throws -> DataSource {
        let entry = try await entry(context, action)
        let id = try context.parameters.require("id")
        guard let source = try await store.dataSources.source(id: id), source.entryID == entry.entryID else {
            throw HaiheError.notFound("data_source", zh: "数据源", id: id)
        }
        return source
    }

    /// A data version of that entry, by id or by number.
    func version(_ context: HaiheRequestContext, _ action: Action) async throws -> (CatalogEntry, DatasetVersion) {
        let entry = try await entry(context, action)
        let reference = try context.parameters.require("version")
        let history = try await store.datasets.history(entryID: entry.entryID)
        guard let version = history.first(where: { $0.id == reference || String($0.version) == reference }) else {
            throw HaiheError.notFound("dataset_version", zh: "数据版本", id: reference)
        }
        return (entry, version)
    }
}
