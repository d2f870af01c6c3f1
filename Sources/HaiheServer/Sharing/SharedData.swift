import Crypto
import Foundation
import HaiheCore
import HaiheStore
import Hummingbird
import HTTPTypes

/// Serving shared data to a department (Art. 16–19), for the API and the console alike: decide what the caller may
/// receive (`SharingPolicy`), read it, record the delivery before it leaves, and sign a certificate for it.
struct SharedData: Sendable {
    let store: Store
    let nodeKey: NodeKey
    let fingerprint: DeliveryFingerprint

    init(store: Store, nodeKey: NodeKey) {
        self.store = store
        self.nodeKey = nodeKey
        self.fingerprint = DeliveryFingerprint(nodeKey: nodeKey)
    }

    /// An entry of the sharing catalog as a department sees it, with what it may do with it.
    struct Offer: Sendable {
        var entry: CatalogEntry
        /// The version in force and the fields it was loaded with; nil when no data is connected yet.
        var version: DatasetVersion?
        var loadedFields: [FieldDefinition]
        var access: SharingPolicy.Access?
        var refusal: HaiheError?
        var grants: [ShareGrant] = []
    }

    func offer(_ reference: String, for subject: Subject, at time: Date = Date()) async throws -> Offer {
        guard let entry = try await store.catalog.findPublished(reference, in: .sharing) else {
            throw HaiheError.notFound("catalog_entry", zh: "共享目录", id: reference)
        }
        let grants = try await store.sharing.grants(consumerID: subject.organizationID, entryID: entry.entryID)
        var offer = Offer(entry: entry, version: nil, loadedFields: entry.fields, grants: grants)
        do {
            offer.access = try SharingPolicy.access(to: entry, for: subject.organizationID, grants: grants, at: time)
        } catch let error as HaiheError {
            offer.refusal = error
        }
        if let version = try await store.datasets.current(entryID: entry.entryID) {
            offer.version = version
            offer.loadedFields = try await store.catalog.find(id: version.catalogVersionID)?.fields ?? entry.fields
        }
        return offer
    }

    /// The offer (resolved once per request by the caller), refused with the policy's reason when the caller may not
    /// receive its data.
    func readable(_ offer: Offer, for subject: Subject, query: DatasetQuery? = nil, at time: Date = Date()) throws
        -> (offer: Offer, access: SharingPolicy.Access, version: DatasetVersion, visible: [String]) {
        guard offer.access != nil else { throw offer.refusal! }
        // The grant this query is served under: one that covers every field it names.
        let access = try SharingPolicy.access(to: offer.entry, for: subject.organizationID, grants: offer.grants, at: time, fieldsUsed: query?.fieldsUsed ?? [])
        guard let version = offer.version else {
            throw HaiheError.notFound("dataset_version", zh: "该目录尚未接入数据", id: offer.entry.resourceCode)
        }
        let loaded = Set(offer.loadedFields.map(\.name))
        let visible = access.fields.filter { loaded.contains($0) }
        if let query { try SharingPolicy.check(fieldsUsed: query.fieldsUsed, within: SharingPolicy.Access(basis: access.basis, fields: visible, grant: access.grant)) }
        return (offer, access, version, visible)
    }

    struct DeliveredPage: Sendable {
        var body: [UInt8]
        var delivery: ShareDelivery
    }

    /// One page as JSON, recorded and certified before it is returned.
    func page(_ offer: Offer, query: DatasetQuery, for subject: Subject, audit: AuditDraft, at time: Date = Date()) async throws -> DeliveredPage {
        let (offer, access, version, visible) = try readable(offer, for: subject, query: query, at: time)
        let page = try await store.datasets.page(version, fields: offer.loadedFields, visible: visible, query: query)
        var delivery = ShareDelivery(kind: .page, entryID: offer.entry.entryID, versionID: version.id, recipientOrganizationID: subject.organizationID,
                                     recipientUserID: subject.userID, grantID: access.grant?.id, purpose: access.grant?.purpose, query: query.canonical,
                                     rowCount: page.rows.count, contentSHA256: "", deliveredAt: time)
        let body = try Self.pageJSON(page, entry: offer.entry, version: version, query: query, deliveryID: delivery.id, basis: access.basis)
        delivery.contentSHA256 = SHA256.hash(data: body).hexString
        delivery.certificate = try await certificate(for: delivery, entry: offer.entry, version: version)
        try await store.sharing.record(delivery, audit: audit)
        return DeliveredPage(body: body, delivery: delivery)
    }

    /// The whole (filtered) version as a fingerprinted CSV, streamed in constant memory. The delivery is recorded
    /// before the first byte and completed with its row count, hash and certificate after the last.
    func download(_ offer: Offer, query: DatasetQuery, for subject: Subject, audit: AuditDraft, at time: Date = Date()) async throws -> Response {
        guard query.sort.isEmpty else {
            throw HaiheError.invalid("sharing.download_sort", zh: "整表下载按原始行序输出，不支持 sort", en: "A download keeps row order; sort is not supported")
        }
        let (offer, access, version, visible) = try readable(offer, for: subject, query: query, at: time)
        let columns = query.select ?? visible
        let delivery = ShareDelivery(kind: .download, entryID: offer.entry.entryID, versionID: version.id, recipientOrganizationID: subject.organizationID,
                                     recipientUserID: subject.userID, grantID: access.grant?.id, purpose: access.grant?.purpose,
                                     query: query.canonical, rowCount: 0, contentSHA256: "", deliveredAt: time)
        try await store.sharing.record(delivery, audit: audit)
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"\(offer.entry.resourceCode)-v\(version.version).csv\""
        headers[.haiheDelivery] = delivery.id
        let body = ResponseBody { [self] writer in
            var hash = SHA256()
            var rows = 0
            var bits = fingerprint.bits(for: delivery.id)
            let header = Array((CSVField.line(columns) + "\n").utf8)
            hash.update(data: header)
            do {
                try await writer.write(ByteBuffer(bytes: header))
                try await store.datasets.stream(version, fields: offer.loadedFields, columns: columns, query: query) { batch in
                    var text = ""
                    for row in batch {
                        text += DeliveryFingerprint.markedLine(row.map(Self.csvText), row: rows, bits: &bits)
                        text += "\n"
                        rows += 1
                    }
                    let bytes = Array(text.utf8)
                    hash.update(data: bytes)
                    try await writer.write(ByteBuffer(bytes: bytes))
                }
            } catch {
                // Broken off (the client left, or the database failed): what was sent is on the record all the same.
                try? await store.sharing.finish(deliveryID: delivery.id, rowCount: rows, contentSHA256: "partial:" + hash.finalize().hexString, certificate: nil)
                throw error
            }
            let trailer = Array(try fingerprint.trailer(deliveryID: delivery.id, bodySHA256: hash.finalize().hexString).utf8)
            var whole = hash
            whole.update(data: trailer)
            try await writer.write(ByteBuffer(bytes: trailer))
            var finished = delivery
            finished.rowCount = rows
            finished.contentSHA256 = whole.finalize().hexString
            let certificate = try await certificate(for: finished, entry: offer.entry, version: version)
            try await store.sharing.finish(deliveryID: delivery.id, rowCount: rows, contentSHA256: finished.contentSHA256, certificate: certificate)
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    func certificate(for delivery: ShareDelivery, entry: CatalogEntry, version: DatasetVersion) async throws -> String {
        let recipient = try await store.organizations.find(id: delivery.recipientOrganizationID)
        return try Certificate(issuer: nodeKey.publicKeyHex, deliveryID: delivery.id, entryID: entry.entryID, resourceCode: entry.resourceCode,
                               entryTitle: entry.title, versionID: version.id, version: version.version, contentSHA256: delivery.contentSHA256,
                               rowCount: delivery.rowCount, recipientOrganizationID: delivery.recipientOrganizationID,
                               recipientOrganizationName: recipient?.nameZH ?? delivery.recipientOrganizationID, purpose: delivery.purpose,
                               issuedAt: delivery.deliveredAt).signed(with: nodeKey)
    }

    func trace(_ bytes: [UInt8], entryIDs: [String]?) async throws -> SharingStore.Trace {
        try await store.sharing.trace(bytes, fingerprint: fingerprint, entryIDs: entryIDs)
    }

    static func csvText(_ value: SQLValue) -> String { value.displayText ?? "" }

    static func pageJSON(_ page: DatasetStore.Page, entry: CatalogEntry, version: DatasetVersion, query: DatasetQuery, deliveryID: String,
                         basis: SharingPolicy.Access.Basis) throws -> [UInt8] {
        var rows: [[String: JSONValue]] = []
        for values in page.rows {
            var object: [String: JSONValue] = [:]
            for (column, value) in zip(page.columns, values) { object[column] = JSONValue(value) }
            rows.append(object)
        }
        let document: [String: JSONValue] = [
            "entry_id": .text(entry.entryID), "resource_code": .text(entry.resourceCode), "title": .text(entry.title),
            "version": .integer(Int64(version.version)), "version_id": .text(version.id), "access": .text(basis.rawValue),
            "fields": .array(page.columns.map { .text($0) }), "rows": .array(rows.map { .object($0) }), "total": .integer(Int64(page.total)),
            "limit": .integer(Int64(query.limit)), "offset": .integer(Int64(query.offset)), "delivery_id": .text(deliveryID),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(JSONValue.object(document)))
    }
}

/// A JSON value built by hand, for documents whose keys are data (field names).
indirect enum JSONValue: Encodable, Sendable {
    case null, bool(Bool), integer(Int64), real(Double), text(String), array([JSONValue]), object([String: JSONValue])

    init(_ value: SQLValue) {
        switch value {
        case .null, .blob: self = .null
        case .integer(let i): self = .integer(i)
        case .real(let d): self = .real(d)
        case .text(let t): self = .text(t)
        }
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .object(let members):
            var container = encoder.container(keyedBy: Key.self)
            for (key, value) in members { try container.encode(value, forKey: Key(stringValue: key)) }
        case .array(let items):
            var container = encoder.unkeyedContainer()
            for item in items { try container.encode(item) }
        default:
            var container = encoder.singleValueContainer()
            switch self {
            case .null: try container.encodeNil()
            case .bool(let b): try container.encode(b)
            case .integer(let i): try container.encode(i)
            case .real(let d): try container.encode(d)
            case .text(let t): try container.encode(t)
            default: break
            }
        }
    }
}
