import Foundation
import HaiheCore

/// One version of an entry's data: a batch as it was loaded, with its counts and where its rows live.
public struct DatasetVersion: Sendable, Encodable, Equatable {
    public enum Status: String, Sendable, Codable {
        /// Being loaded; never visible to readers.
        case loading
        /// In force: what readers see.
        case published
        /// Was in force; kept for history (and restorable while its table is kept).
        case superseded
        /// Refused as a whole (the entry's policy rejects batches with any bad row); its quarantine is kept.
        case rejected
        /// A load that stopped (the process died or the load failed); cleaned up.
        case abandoned
    }

    public var id: String
    public var entryID: String
    public var version: Int
    public var catalogVersionID: String
    public var status: Status
    public var source: String
    public var rowsRead: Int
    public var rowsAccepted: Int
    public var rowsRejected: Int
    public var createdBy: String?
    public var createdAt: Date
    public var publishedAt: Date?
    public var restoredFrom: String?
    /// Whether its rows are still kept (the newest versions are; older tables are dropped, their history stays).
    public var restorable: Bool
    var tableName: String

    enum CodingKeys: String, CodingKey {
        case id, entryID = "entryId", version, catalogVersionID = "catalogVersionId", status, source, rowsRead, rowsAccepted, rowsRejected,
             createdBy, createdAt, publishedAt, restoredFrom, restorable
    }
}

/// Where a batch comes from and how to read it.
public struct BatchSource: Sendable {
    public var format: BatchFormat
    public var encoding: TextEncoding?
    public var delimiter: UInt8?
    /// `upload`, `import`, `push`, `pull` or `restore`: shown in the history.
    public var origin: String
    public var totalBytes: Int?
    /// Returns the next chunk of bytes, nil at the end. Called on a thread of its own, never concurrently.
    public var next: @Sendable () throws -> [UInt8]?

    public init(format: BatchFormat, encoding: TextEncoding? = nil, delimiter: UInt8? = nil, origin: String, totalBytes: Int? = nil,
                next: @escaping @Sendable () throws -> [UInt8]?) {
        self.format = format
        self.encoding = encoding
        self.delimiter = delimiter
        self.origin = origin
        self.totalBytes = totalBytes
        self.next = next
    }

    /// A file read in chunks of 1 MiB. An Excel workbook is first turned into CSV (its first sheet, or `sheet`).
    public static func file(_ path: String, format: BatchFormat? = nil, encoding: TextEncoding? = nil, delimiter: UInt8? = nil,
                            sheet: String? = nil, origin: String = "import") throws -> BatchSource {
        var format = format ?? .guess(fileName: path)
        var path = path, encoding = encoding, delimiter = delimiter, temporary: String?
        if format == .xlsx {
            let csv = FileManager.default.temporaryDirectory.appendingPathComponent("haihe-sheet-\(Identifier.make()).csv").path
            try Spreadsheet.convert(path, sheet: sheet, to: csv)
            (path, format, encoding, delimiter, temporary) = (csv, .csv, .utf8, UInt8(ascii: ","), csv)
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw HaiheError.invalid("data.file", zh: "无法读取文件 \(path)", en: "Cannot read the file \(path)")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        let box = FileChunks(handle: handle, removeWhenDone: temporary)
        return BatchSource(format: format, encoding: encoding, delimiter: delimiter, origin: origin,
                           totalBytes: size, next: { try box.next() })
    }

    /// Bytes already in memory (an upload), handed out in chunks.
    public static func bytes(_ data: [UInt8], format: BatchFormat, encoding: TextEncoding? = nil, delimiter: UInt8? = nil,
                             origin: String = "upload") -> BatchSource {
        let box = MemoryChunks(data: data)
        return BatchSource(format: format, encoding: encoding, delimiter: delimiter, origin: origin, totalBytes: data.count, next: { box.next() })
    }
}

private final class FileChunks: @unchecked Sendable {  // used by one reader thread at a time
    let handle: FileHandle
    let removeWhenDone: String?
    init(handle: FileHandle, removeWhenDone: String?) {
        self.handle = handle
        self.removeWhenDone = removeWhenDone
    }
    deinit {
        try? handle.close()
        if let removeWhenDone { try? FileManager.default.removeItem(atPath: removeWhenDone) }
    }
    func next() throws -> [UInt8]? {
        guard let data = try handle.read(upToCount: 1 << 20), !data.isEmpty else { return nil }
        return [UInt8](data)
    }
}

private final class MemoryChunks: @unchecked Sendable {  // used by one reader thread at a time
    let data: [UInt8]
    var offset = 0
    init(data: [UInt8]) { self.data = data }
    func next() -> [UInt8]? {
        guard offset < data.count else { return nil }
        let end = min(offset + (1 << 20), data.count)
        defer { offset = end }
        return Array(data[offset..<end])
    }
}

/// Progress of a load, for the command line's progress bar.
public struct LoadProgress: Sendable {
    public var rowsRead: Int
    public var bytesRead: Int
    public var totalBytes: Int?
}

/// The data of catalog entries (数据接入, Art. 11 and 12): batches checked against the entry's fields, rejected rows
/// in quarantine, and versions that become visible all at once.
///
/// Each batch loads into a table of its own while its version is `loading`; readers only ever follow
/// `datasets.current_version_id`, which moves in one short transaction at the end. A process killed mid-load leaves a
/// `loading` version whose lease runs out; the next load (or server start) drops its table.
public struct DatasetStore: Sendable {
    let database: any SQLDatabase
    let catalog: CatalogStore
    /// Field indexes built for readers so far, by this process (see `ensureIndexes`).
    let readIndexes = ReadIndexes()
    /// Profiles being computed (see `profile`).
    let profiles = ProfileComputations()

    /// Rows per INSERT statement (32 measured fastest on SQLite among 8 to 500) and rows per transaction while loading.
    static let rowsPerStatement = 32
    static let rowsPerTransaction = 100_000
    /// How long a load may go without committing before others may treat it as dead.
    static let lease: TimeInterval = 600
    /// Superseded versions whose rows are kept, for restoring.
    static let keptVersions = 3

    // MARK: Loading

    /// Checks and loads a batch for the published entry `entryRef` (entry id, version id or resource code), then
    /// publishes it as the new version unless the entry's policy rejects batches with bad rows.
    public func load(_ entryRef: String, from source: BatchSource, audit: AuditDraft,
                     progress: (@Sendable (LoadProgress) -> Void)? = nil) async throws -> (DatasetVersion, QualityReport) {
        let (version, report, _) = try await ingest(entryRef, from: source, merge: nil, audit: audit, progress: progress)
        return (version, report)
    }

    /// A push batch (near-real-time connection): rows to insert or replace by the entry's unique key, and keys to
    /// delete. The batch id makes it idempotent: a batch sent again is not applied again; its first outcome is returned
    /// with `replayed` set.
    public func push(_ entryRef: String, batchID: String, upserts: BatchSource, deletes: [[String: String]], audit: AuditDraft)
        async throws -> (version: DatasetVersion, report: QualityReport, replayed: Bool) {
        let batchID = batchID.trimmingCharacters(in: .whitespaces)
        guard !batchID.isEmpty, batchID.count <= 200 else {
            throw HaiheError.invalid("data.batch_id", zh: "批次号不能为空（最长200字符）", en: "The batch id must be given (200 characters at most)")
        }
        return try await ingest(entryRef, from: upserts, merge: Merge(batchID: batchID, deletes: deletes), audit: audit, progress: nil)
    }

    /// How a push batch changes the rows in force, instead of replacing them.
    struct Merge {
        var batchID: String
        var deletes: [[String: String]]
    }

    func ingest(_ entryRef: String, from source: BatchSource, merge: Merge?, audit: AuditDraft,
                progress: (@Sendable (LoadProgress) -> Void)?) async throws -> (DatasetVersion, QualityReport, Bool) {
        try await abandonExpiredLoads()
        guard let entry = try await catalog.findPublished(entryRef, in: .government) else {
            throw HaiheError.notFound("catalog_entry", zh: "已发布的目录", id: entryRef)
        }
        var fields = entry.fields
        // A unique key must be present to be unique.
        for index in fields.indices where fields[index].uniqueKey { fields[index].required = true }
        let keys = fields.filter(\.uniqueKey)
        if merge != nil, keys.isEmpty {
            throw HaiheError.invalid("data.no_unique_key", zh: "该目录没有唯一键信息项，不能按键推送更新，请整批上传",
                                     en: "The entry has no unique-key field, so rows cannot be pushed by key; upload whole batches instead")
        }
        if let merge, let earlier = try await pushed(entryID: entry.entryID, batchID: merge.batchID) {
            guard earlier.status != .loading else {
                throw HaiheError.conflict("data.batch_in_progress", zh: "批次 \(merge.batchID) 正在处理，请稍后查询结果",
                                          en: "Batch \(merge.batchID) is being applied; ask again shortly")
            }
            return (earlier, try await report(versionID: earlier.id) ?? QualityReport(), true)
        }
        try FieldCheck.requireCompilablePatterns(fields)
        // Delete keys are checked before anything is written.
        let deleteKeys = try merge.map { try Self.deleteKeys($0.deletes, fields: fields) } ?? []
        if merge != nil, let current = try await current(entryID: entry.entryID), let loadedWith = try await catalog.find(id: current.catalogVersionID),
           loadedWith.fields.map({ [$0.name, $0.type.rawValue] }) != fields.map({ [$0.name, $0.type.rawValue] }) {
            throw HaiheError.conflict("data.fields_changed", zh: "目录的信息项已变更，现有数据按旧信息项载入，请先整批上传",
                                      en: "The entry's fields changed since the data in force was loaded; upload a whole batch first")
        }
        let now = Date()
        let versionID = Identifier.make(now: now)
        let table = Self.tableName(versionID)
        // A push loads into a staging table, then merges into a copy of the rows in force.
        let loadTable = merge == nil ? table : table + "_stage"
        let policy: RejectionPolicy
        do {
            policy = try await database.transaction { session in
                let policy = try await Self.lockDataset(entry.entryID, in: session, at: now)
                let number = (try await session.scalarInt("SELECT MAX(version) FROM dataset_versions WHERE entry_id = $1", entry.entryID) ?? 0) + 1
                try await session.execute("""
                    INSERT INTO dataset_versions (id, entry_id, version, catalog_version_id, table_name, table_present, status, source,
                        rows_read, rows_accepted, rows_rejected, created_by, created_at, lease_until, batch_id)
                    VALUES ($1, $2, $3, $4, $5, 1, 'loading', $6, 0, 0, 0, $7, $8, $9, $10)
                    """, versionID, entry.entryID, number, entry.id, table, merge == nil ? source.origin : "push", audit.actorUsername, now,
                    now.addingTimeInterval(Self.lease), merge?.batchID)
                try await session.execute(Self.createTable(table, fields: fields, dialect: session.dialect))
                if loadTable != table { try await session.execute(Self.createTable(loadTable, fields: fields, dialect: session.dialect)) }
                return policy
            }
        } catch where merge != nil && isUniqueViolation(error) {
            // The same batch arrived twice at once: the other request applies it.
            throw HaiheError.conflict("data.batch_in_progress", zh: "批次 \(merge!.batchID) 正在处理，请稍后查询结果",
                                      en: "Batch \(merge!.batchID) is being applied; ask again shortly")
        }
        do {
            var report = try await fill(loadTable, versionID: versionID, fields: fields, source: source, progress: progress)
            if report.rowsRejected > 0, policy == .rejectBatch {
                try await database.transaction { session in
                    try await Self.record(versionID, status: .rejected, report: report, tablePresent: false, in: session)
                    try await session.execute("DROP TABLE IF EXISTS \(loadTable)")
                    try await session.execute("DROP TABLE IF EXISTS \(table)")
                    var draft = audit
                    draft.outcome = .failed
                    try await AuditTrail.append(draft.about(versionID, ["entry": entry.entryID, "rows_read": String(report.rowsRead),
                                                                          "rows_rejected": String(report.rowsRejected), "policy": policy.rawValue]), in: session)
                }
            } else if merge != nil {
                // Copy, merge and publish in one transaction under the entry's lock, so concurrent pushes apply in turn.
                let published = report
                let (deleted, dropped) = try await database.transaction { session -> (Int, [String]) in
                    let deleted = try await Self.merge(deleteKeys, into: table, staged: loadTable, entryID: entry.entryID, fields: fields, in: session)
                    var final = published
                    final.rowsDeleted = deleted
                    return (deleted, try await Self.publish(versionID, entryID: entry.entryID, report: final, audit: audit, restoredFrom: nil, in: session))
                }
                report.rowsDeleted = deleted
                await dropTables(dropped)
            } else {
                try await publish(versionID, entryID: entry.entryID, report: report, audit: audit)
            }
            guard let version = try await version(versionID) else { throw HaiheError.notFound("dataset_version", zh: "数据版本", id: versionID) }
            // Readers ask for one row by its unique key most of all: that index is built now rather than by the first of them.
            if version.status == .published { try? await ensureIndexes(version, fields.filter(\.uniqueKey).map { ReaderIndex(field: $0.name) }) }
            return (version, report, false)
        } catch {
            // The batch failed as a whole (bad file, bad header), or its last step did: nothing of it became visible,
            // the version in force is untouched, and the same batch id may be sent again.
            try? await database.transaction { session in
                guard try await session.first("SELECT id FROM dataset_versions WHERE id = $1 AND status = 'loading'\(session.dialect.forUpdate)", versionID) != nil else { return }
                try await session.execute("DROP TABLE IF EXISTS \(loadTable)")
                try await session.execute("DROP TABLE IF EXISTS \(table)")
                try await session.execute("DELETE FROM dataset_quarantine WHERE version_id = $1", versionID)
                try await session.execute("UPDATE dataset_versions SET status = 'abandoned', table_present = 0, lease_until = NULL, batch_id = NULL WHERE id = $1", versionID)
            }
            throw error
        }
    }

    /// The version a push batch made, if it was applied (or refused) before.
    func pushed(entryID: String, batchID: String) async throws -> DatasetVersion? {
        try await database.read {
            try await $0.first("SELECT * FROM dataset_versions WHERE entry_id = $1 AND batch_id = $2", entryID, batchID)
        }.map(Self.decodeVersion)
    }

    /// The key values of a push batch's deletes, checked like values (a date key may be written 2024/01/02) and as stored.
    static func deleteKeys(_ deletes: [[String: String]], fields: [FieldDefinition]) throws -> [[SQLValue]] {
        // One check per key field, made once (a pattern compiles once), then applied to every delete.
        let checks = fields.filter(\.uniqueKey).map(FieldCheck.init)
        return try deletes.enumerated().map { index, key in
            try checks.map { check -> SQLValue in
                let field = check.field
                guard var text = key[field.name] ?? key[field.labelZH] else {
                    throw HaiheError.invalid("data.delete_key", zh: "第\(index + 1)个删除项缺少唯一键“\(field.name)”", en: "Delete \(index + 1) lacks the key field \(field.name)")
                }
                switch text.withUTF8({ check.check($0) }) {
                case .success(.integer(let i)): return .integer(i)
                case .success(.real(let d)): return .real(d)
                case .success(.text(let t)): return .text(t)
                case .success(.original), .success(.null): return .text(text)
                case .failure(let problem):
                    throw HaiheError.invalid("data.delete_key", zh: "第\(index + 1)个删除项：\(problem.messageZH)", en: "Delete \(index + 1): \(problem.messageEN)")
                }
            }
        }
    }

    /// Builds a pushed version inside the caller's transaction, which holds the entry's lock: the rows in force (read
    /// under that lock), minus the deleted keys and the keys being replaced, plus the new rows. Returns the rows deleted.
    static func merge(_ deleteKeys: [[SQLValue]], into table: String, staged: String, entryID: String, fields: [FieldDefinition],
                      in session: any SQLSession) async throws -> Int {
        _ = try await lockDataset(entryID, in: session, at: Date())
        let keys = fields.filter(\.uniqueKey)
        let matchStaged = keys.map { "s.\"\($0.name)\" = \(table).\"\($0.name)\"" }.joined(separator: " AND ")
        let matchKey = keys.enumerated().map { "\"\($1.name)\" = $\($0 + 1)" }.joined(separator: " AND ")
        let columns = (["_row"] + fields.map { "\"\($0.name)\"" }).joined(separator: ", ")
        if let current = try await session.first("""
            SELECT v.table_name FROM datasets d JOIN dataset_versions v ON v.id = d.current_version_id WHERE d.entry_id = $1 AND v.table_present = 1
            """, entryID) {
            try await session.execute("INSERT INTO \(table) (\(columns)) SELECT \(columns) FROM \(try current.string("table_name"))")
        }
        var deleted = 0
        for key in deleteKeys {
            deleted += try await session.query("SELECT COUNT(*) AS n FROM \(table) WHERE \(matchKey)", key).first?.optionalInt("n") ?? 0
            try await session.execute("DELETE FROM \(table) WHERE \(matchKey)", key)
        }
        try await session.execute("DELETE FROM \(table) WHERE EXISTS (SELECT 1 FROM \(staged) s WHERE \(matchStaged))")
        // Pushed rows are numbered after the rows already there, so load order stays readable.
        let offset = try await session.scalarInt("SELECT COALESCE(MAX(_row), 0) FROM \(table)") ?? 0
        let shifted = (["_row + \(offset)"] + fields.map { "\"\($0.name)\"" }).joined(separator: ", ")
        try await session.execute("INSERT INTO \(table) (\(columns)) SELECT \(shifted) FROM \(staged)")
        try await session.execute("DROP TABLE \(staged)")
        return deleted
    }

    /// A batch of checked rows on its way from the reader thread to the database.
    struct Chunk: Sendable {
        /// Accepted rows, one after another (`_row` and every field per row).
        var values: [SQLValue] = []
        var rowCount = 0
        var quarantined: [QuarantinedRow] = []
        var progress = LoadProgress(rowsRead: 0, bytesRead: 0)
    }

    /// Reads, checks and inserts the batch; rows with problems go to quarantine. Reading and checking run on a thread
    /// of their own while the database inserts the previous chunk, so both cores work.
    func fill(_ table: String, versionID: String, fields: [FieldDefinition], source: BatchSource,
              progress: (@Sendable (LoadProgress) -> Void)?) async throws -> QualityReport {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: Chunk.self)
        let pipe = Handoff(limit: 4)
        let finalReport = ReportBox()
        let thread = Thread {
            do {
                var reader = BatchReader(fields: fields, format: source.format, encoding: source.encoding, delimiter: source.delimiter)
                let checker = RowChecker(fields: fields)
                let keyFields = fields.indices.filter { fields[$0].uniqueKey }
                var seenKeys = Set<UInt64>()
                var report = QualityReport()
                var chunk = Chunk()
                var cells = [CellValue](repeating: .null, count: fields.count)
                var bytesRead = 0
                func next() throws -> [UInt8]? {
                    let chunk = try source.next()
                    bytesRead += chunk?.count ?? 0
                    return chunk
                }
                try reader.read(next) { incoming in
                    report.rowsRead += 1
                    var problems = incoming.shapeProblem.map { [$0] } ?? checker.check(incoming, into: &cells)
                    if problems.isEmpty, !keyFields.isEmpty {
                        // Duplicate keys within the batch, by a 64-bit hash of the key's bytes (8 bytes a row, so memory stays
                        // flat). A new hash means a new key, so no duplicate is ever accepted; two different keys with
                        // the same hash would send the later row to quarantine (odds about 1 in 10^6 for 5 million rows).
                        // The checked values are hashed, not the raw text: 07 and 7, or 2024/01/02 and 2024-01-02, are one key.
                        var hasher = Hasher()
                        for index in keyFields {
                            switch cells[index] {
                            case .integer(let value): hasher.combine(value)
                            case .real(let value): hasher.combine(value)
                            case .text(let value): hasher.combine(value)
                            case .original: hasher.combine(bytes: UnsafeRawBufferPointer(incoming[index]))
                            case .null: hasher.combine(0 as UInt8)
                            }
                            hasher.combine(0xFF as UInt8)
                        }
                        if !seenKeys.insert(UInt64(bitPattern: Int64(hasher.finalize()))).inserted {
                            problems.append(RowProblem(field: fields[keyFields[0]].name, rule: .unique, zh: "唯一键与本批前面的行重复",
                                                       en: "The unique key repeats an earlier row of this batch"))
                        }
                    }
                    if !problems.isEmpty {
                        let quarantined = QuarantinedRow(rowNumber: incoming.number, original: incoming.original, problems: problems)
                        report.reject(quarantined)
                        chunk.quarantined.append(quarantined)
                    } else {
                        report.rowsAccepted += 1
                        chunk.values.append(.integer(Int64(incoming.number)))
                        for (index, cell) in cells.enumerated() {
                            switch cell {
                            case .null: chunk.values.append(.null)
                            case .integer(let value): chunk.values.append(.integer(value))
                            case .real(let value): chunk.values.append(.real(value))
                            case .text(let value): chunk.values.append(.text(value))
                            case .original: chunk.values.append(.text(String(decoding: incoming[index], as: UTF8.self)))
                            }
                        }
                        chunk.rowCount += 1
                    }
                    if chunk.rowCount + chunk.quarantined.count >= 5_000 {
                        chunk.progress = LoadProgress(rowsRead: report.rowsRead, bytesRead: bytesRead, totalBytes: source.totalBytes)
                        guard pipe.acquire(), case .enqueued = continuation.yield(chunk) else { throw CancellationError() }
                        chunk = Chunk()
                    }
                }
                report.encoding = reader.encoding?.rawValue
                report.delimiter = reader.delimiter.map { String(UnicodeScalar($0)) }
                chunk.progress = LoadProgress(rowsRead: report.rowsRead, bytesRead: bytesRead, totalBytes: source.totalBytes)
                guard pipe.acquire(), case .enqueued = continuation.yield(chunk) else { throw CancellationError() }
                // Set before the stream ends, so a consumer that sees the end always finds the report.
                finalReport.report = report
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
        defer { pipe.cancel() }

        let columns = ["_row"] + fields.map { "\"\($0.name)\"" }
        var iterator = stream.makeAsyncIterator()
        var finished = false
        while !finished {
            try await database.transaction { session in
                var rowsInTransaction = 0
                while rowsInTransaction < Self.rowsPerTransaction {
                    try Task.checkCancellation()
                    guard let chunk = try await iterator.next() else { finished = true; break }
                    pipe.release()
                    try await Self.insert(chunk.values, rows: chunk.rowCount, into: table, columns: columns, in: session)
                    for row in chunk.quarantined { try await Self.quarantine(row, versionID: versionID, in: session) }
                    rowsInTransaction += chunk.rowCount + chunk.quarantined.count
                    progress?(chunk.progress)
                }
                let renewed = try await session.query("UPDATE dataset_versions SET lease_until = $2 WHERE id = $1 AND status = 'loading' RETURNING id",
                                                      [.text(versionID), Date().addingTimeInterval(Self.lease).sqlValue])
                if renewed.isEmpty {
                    throw HaiheError.conflict("data.load_abandoned", zh: "此次载入超时已被中止，请重新上传", en: "This load ran past its lease and was abandoned; upload again")
                }
            }
        }
        // The stream also ends when the consuming task is cancelled; then no complete report exists and nothing is published.
        guard !Task.isCancelled, let report = finalReport.report else { throw CancellationError() }
        return report
    }

    /// Makes a loaded version the one in force, in one transaction: readers see the old rows or the new, never a mix.
    func publish(_ versionID: String, entryID: String, report: QualityReport, audit: AuditDraft, restoredFrom: String? = nil) async throws {
        let dropped = try await database.transaction { session in
            try await Self.publish(versionID, entryID: entryID, report: report, audit: audit, restoredFrom: restoredFrom, in: session)
        }
        await dropTables(dropped)
    }

    /// The steps of publishing, inside the caller's transaction; returns the tables no longer kept.
    static func publish(_ versionID: String, entryID: String, report: QualityReport, audit: AuditDraft, restoredFrom: String?,
                        in session: any SQLSession) async throws -> [String] {
        let now = Date()
        _ = try await lockDataset(entryID, in: session, at: now)
        // Readers page through a published version by row number (downloads in constant memory, keyset cursors).
        if let table = try await session.first("SELECT table_name FROM dataset_versions WHERE id = $1", versionID)?.string("table_name") {
            try await session.execute("CREATE INDEX IF NOT EXISTS \(table)_row ON \(table) (_row)")
        }
        try await session.execute("UPDATE dataset_versions SET status = 'superseded' WHERE entry_id = $1 AND status = 'published'", entryID)
        try await record(versionID, status: .published, report: report, tablePresent: true, in: session, publishedAt: now)
        try await session.execute("UPDATE datasets SET current_version_id = $2, updated_at = $3 WHERE entry_id = $1", entryID, versionID, now)
        try await CatalogStore.markDataUpdated(entryID: entryID, at: now, in: session)
        var detail = ["entry": entryID, "rows_read": String(report.rowsRead), "rows_accepted": String(report.rowsAccepted),
                      "rows_rejected": String(report.rowsRejected)]
        if let restoredFrom { detail["restored_from"] = restoredFrom }
        if let deleted = report.rowsDeleted { detail["rows_deleted"] = String(deleted) }
        try await AuditTrail.append(audit.about(versionID, detail), in: session, at: now)
        // Keep the rows of the newest superseded versions only; history keeps every version's facts.
        let old = try await session.query("""
            SELECT id, table_name FROM dataset_versions WHERE entry_id = $1 AND status = 'superseded' AND table_present = 1
            ORDER BY version DESC
            """, entryID).dropFirst(keptVersions)
        for row in old {
            try await session.execute("UPDATE dataset_versions SET table_present = 0 WHERE id = $1", try row.string("id"))
        }
        return try old.map { try $0.string("table_name") }
    }

    /// Drops tables no version needs any more. Best effort: the versions already say their rows are gone, and a table
    /// left behind by a failure here is only disk space.
    func dropTables(_ tables: [String]) async {
        for table in tables {
            _ = try? await database.transaction { session in
                // SQLite's trigram indexes are tables of their own (FTS5); PostgreSQL's go with the table.
                if session.dialect == .sqlite {
                    let prefix = table + "_t"
                    for row in try await session.query("SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, length($1)) = $1 AND sql LIKE 'CREATE VIRTUAL TABLE%'", prefix) {
                        try await session.execute("DROP TABLE IF EXISTS \(try row.string("name"))")
                    }
                }
                try await session.execute("DROP TABLE IF EXISTS \(table)")
            }
        }
    }

    /// Drops the tables of loads whose lease ran out (their process died) and marks them abandoned.
    public func abandonExpiredLoads(at time: Date = Date()) async throws {
        let expired = try await database.read {
            try await $0.query("SELECT id, table_name FROM dataset_versions WHERE status = 'loading' AND lease_until < $1", time)
        }
        for row in expired {
            let id = try row.string("id"), table = try row.string("table_name")
            try await database.transaction { session in
                // Re-checked under the row's lock: the load may have finished or renewed its lease since the list was read.
                guard try await session.first("SELECT id FROM dataset_versions WHERE id = $1 AND status = 'loading' AND lease_until < $2\(session.dialect.forUpdate)",
                                              id, time) != nil else { return }
                try await session.execute("UPDATE dataset_versions SET status = 'abandoned', table_present = 0, lease_until = NULL, batch_id = NULL WHERE id = $1", id)
                try await session.execute("DROP TABLE IF EXISTS \(table)")
                try await session.execute("DROP TABLE IF EXISTS \(table)_stage")
                try await session.execute("DELETE FROM dataset_quarantine WHERE version_id = $1", id)
            }
        }
    }

    // MARK: History, restore, policy

    public func version(_ id: String) async throws -> DatasetVersion? {
        try await database.read { try await $0.first("SELECT * FROM dataset_versions WHERE id = $1", id) }.map(Self.decodeVersion)
    }

    /// Every version of an entry's data, newest first.
    public func history(entryID: String) async throws -> [DatasetVersion] {
        try await database.read { try await $0.query("SELECT * FROM dataset_versions WHERE entry_id = $1 ORDER BY version DESC", entryID) }
            .map(Self.decodeVersion)
    }

    /// The version in force, if the entry has data.
    public func current(entryID: String) async throws -> DatasetVersion? {
        try await database.read {
            try await $0.first("SELECT v.* FROM datasets d JOIN dataset_versions v ON v.id = d.current_version_id WHERE d.entry_id = $1", entryID)
        }.map(Self.decodeVersion)
    }

    public func report(versionID: String) async throws -> QualityReport? {
        guard let row = try await database.read({ try await $0.first("SELECT report FROM dataset_versions WHERE id = $1", versionID) }),
              let text = row.optionalString("report") else { return nil }
        return try JSONDecoder().decode(QualityReport.self, from: Data(text.utf8))
    }

    /// The rows a batch put in quarantine, in row order.
    public func quarantine(versionID: String, limit: Int = 100_000) async throws -> [QuarantinedRow] {
        try await database.read {
            try await $0.query("SELECT row_number, original, problems FROM dataset_quarantine WHERE version_id = $1 ORDER BY row_number LIMIT \(max(1, min(limit, 1_000_000)))", versionID)
        }.map { row in
            QuarantinedRow(rowNumber: try row.int("row_number"), original: try row.string("original"),
                           problems: try JSONDecoder().decode([RowProblem].self, from: Data(try row.string("problems").utf8)))
        }
    }

    /// Publishes again the rows of an earlier version, as a new version (the history shows where it came from).
    public func restore(entryID: String, versionID: String, audit: AuditDraft) async throws -> DatasetVersion {
        guard let earlier = try await version(versionID), earlier.entryID == entryID else {
            throw HaiheError.notFound("dataset_version", zh: "数据版本", id: versionID)
        }
        guard earlier.restorable, earlier.status == .superseded || earlier.status == .published else {
            throw HaiheError.conflict("data.not_restorable", zh: "该版本的数据已不再保留，无法恢复（仅保留最近\(Self.keptVersions)个历史版本）",
                                      en: "The rows of this version are no longer kept and cannot be restored (the newest \(Self.keptVersions) earlier versions are)")
        }
        let now = Date()
        let newID = Identifier.make(now: now)
        let table = Self.tableName(newID)
        try await database.transaction { session in
            _ = try await Self.lockDataset(entryID, in: session, at: now)
            let number = (try await session.scalarInt("SELECT MAX(version) FROM dataset_versions WHERE entry_id = $1", entryID) ?? 0) + 1
            try await session.execute("""
                INSERT INTO dataset_versions (id, entry_id, version, catalog_version_id, table_name, table_present, status, source,
                    rows_read, rows_accepted, rows_rejected, created_by, created_at, lease_until, restored_from)
                VALUES ($1, $2, $3, $4, $5, 1, 'loading', 'restore', 0, 0, 0, $6, $7, $8, $9)
                """, newID, entryID, number, earlier.catalogVersionID, table, audit.actorUsername, now, now.addingTimeInterval(Self.lease), versionID)
            try await session.execute("CREATE TABLE \(table) AS SELECT * FROM \(earlier.tableName)")
        }
        var report = try await self.report(versionID: versionID) ?? QualityReport()
        report.examples = []
        try await publish(newID, entryID: entryID, report: report, audit: audit, restoredFrom: versionID)
        return try await version(newID)!
    }

    public func policy(entryID: String) async throws -> RejectionPolicy {
        let text = try await database.read { try await $0.first("SELECT policy FROM datasets WHERE entry_id = $1", entryID) }?.optionalString("policy")
        return text.flatMap(RejectionPolicy.init) ?? .quarantine
    }

    public func setPolicy(_ policy: RejectionPolicy, entryID: String, audit: AuditDraft) async throws {
        try await database.transaction { session in
            _ = try await Self.lockDataset(entryID, in: session, at: Date())
            try await session.execute("UPDATE datasets SET policy = $2 WHERE entry_id = $1", entryID, policy.rawValue)
            try await AuditTrail.append(audit.about(entryID, ["policy": policy.rawValue]), in: session)
        }
    }

    /// Rows of the version in force, in load order (the provider's preview; the public row API comes with open data).
    public func rows(entryID: String, limit: Int = 100, offset: Int = 0) async throws -> (columns: [String], rows: [[SQLValue]], total: Int) {
        guard let current = try await current(entryID: entryID) else { return ([], [], 0) }
        return try await database.read { session in
            let rows = try await session.query("SELECT * FROM \(current.tableName) ORDER BY _row LIMIT \(max(1, min(limit, 10_000))) OFFSET \(max(0, min(offset, 1 << 40)))")
            let total = try await session.scalarInt("SELECT COUNT(*) FROM \(current.tableName)") ?? 0
            let columns = rows.first.map { Array($0.columns.dropFirst()) } ?? []
            return (columns, rows.map { Array($0.values.dropFirst()) }, total)
        }
    }

    // MARK: SQL

    /// `ds_` and the version id's 32 hex digits: generated, never taken from input.
    static func tableName(_ versionID: String) -> String {
        "ds_" + versionID.replacingOccurrences(of: "-", with: "").lowercased().filter { $0.isHexDigit }
    }

    static func createTable(_ table: String, fields: [FieldDefinition], dialect: SQLDialect) -> String {
        // Field names are checked by the catalog rules (letters, digits, underscores) and quoted here as well.
        let columns = fields.map { field -> String in
            let type = switch field.type {
            case .integer, .boolean: "BIGINT"
            case .decimal: "DOUBLE PRECISION"
            case .text, .date, .datetime: "TEXT"
            }
            return "\"\(field.name)\" \(type)"
        }
        return "CREATE TABLE \(table) (_row BIGINT NOT NULL, \(columns.joined(separator: ", ")))"
    }

    /// Creates the entry's dataset row when missing and locks it for the transaction; returns its policy.
    static func lockDataset(_ entryID: String, in session: any SQLSession, at time: Date) async throws -> RejectionPolicy {
        if session.dialect == .postgres {
            try await session.execute("INSERT INTO datasets (entry_id, policy, updated_at) VALUES ($1, 'quarantine', $2) ON CONFLICT (entry_id) DO NOTHING", entryID, time)
        } else {
            try await session.execute("INSERT OR IGNORE INTO datasets (entry_id, policy, updated_at) VALUES ($1, 'quarantine', $2)", entryID, time)
        }
        let row = try await session.first("SELECT policy FROM datasets WHERE entry_id = $1\(session.dialect.forUpdate)", entryID)
        return row?.optionalString("policy").flatMap(RejectionPolicy.init) ?? .quarantine
    }

    /// Inserts `rows` rows whose values lie one after another in `values`, many rows per statement.
    static func insert(_ values: [SQLValue], rows: Int, into table: String, columns: [String], in session: any SQLSession) async throws {
        func statement(rows count: Int) -> String {
            let tuples = (0..<count).map { r in "(" + (1...columns.count).map { "$\(r * columns.count + $0)" }.joined(separator: ", ") + ")" }
            return "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES \(tuples.joined(separator: ", "))"
        }
        // Wide tables take fewer rows a statement: SQLite allows 32,766 parameters.
        let perStatement = max(1, min(rowsPerStatement, 30_000 / columns.count))
        let full = statement(rows: perStatement)
        var start = 0
        while start < rows {
            let count = min(perStatement, rows - start)
            let binds = Array(values[(start * columns.count)..<((start + count) * columns.count)])
            try await session.execute(count == perStatement ? full : statement(rows: count), binds)
            start += count
        }
    }

    static func quarantine(_ row: QuarantinedRow, versionID: String, in session: any SQLSession) async throws {
        let problems = String(decoding: try JSONEncoder().encode(row.problems), as: UTF8.self)
        try await session.execute("INSERT INTO dataset_quarantine (version_id, row_number, original, problems) VALUES ($1, $2, $3, $4)",
                                  versionID, row.rowNumber, row.original, problems)
    }

    static func record(_ versionID: String, status: DatasetVersion.Status, report: QualityReport, tablePresent: Bool, in session: any SQLSession,
                       publishedAt: Date? = nil) async throws {
        let encoded = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
        // Only a version still loading may be finished: one that another instance abandoned (its lease ran out) stays so.
        let changed = try await session.query("""
            UPDATE dataset_versions SET status = $2, rows_read = $3, rows_accepted = $4, rows_rejected = $5, report = $6, table_present = $7,
                lease_until = NULL, published_at = $8 WHERE id = $1 AND status = 'loading' RETURNING id
            """, [.text(versionID), .text(status.rawValue), .integer(Int64(report.rowsRead)), .integer(Int64(report.rowsAccepted)),
                  .integer(Int64(report.rowsRejected)), .text(encoded), .integer(tablePresent ? 1 : 0), publishedAt.sqlValue])
        if changed.isEmpty {
            throw HaiheError.conflict("data.load_abandoned", zh: "此次载入超时已被中止，请重新上传", en: "This load ran past its lease and was abandoned; upload again")
        }
    }

    static func decodeVersion(_ row: SQLRow) throws -> DatasetVersion {
        DatasetVersion(id: try row.string("id"), entryID: try row.string("entry_id"), version: try row.int("version"),
                       catalogVersionID: try row.string("catalog_version_id"),
                       status: DatasetVersion.Status(rawValue: try row.string("status")) ?? .abandoned, source: try row.string("source"),
                       rowsRead: try row.int("rows_read"), rowsAccepted: try row.int("rows_accepted"), rowsRejected: try row.int("rows_rejected"),
                       createdBy: row.optionalString("created_by"), createdAt: try row.date("created_at"), publishedAt: row.optionalDate("published_at"),
                       restoredFrom: row.optionalString("restored_from"), restorable: (row.optionalInt("table_present") ?? 0) == 1,
                       tableName: try row.string("table_name"))
    }
}

/// Bounds how many chunks the reader thread may run ahead of the database (so memory stays flat), and lets the
/// database side stop the reader when it fails.
final class Handoff: @unchecked Sendable {  // all state behind the condition's lock
    private let condition = NSCondition()
    private var available: Int
    private var cancelled = false

    init(limit: Int) { available = limit }

    /// Waits for room; false once cancelled.
    func acquire() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while available == 0, !cancelled { condition.wait() }
        if cancelled { return false }
        available -= 1
        return true
    }

    func release() {
        condition.lock()
        available += 1
        condition.signal()
        condition.unlock()
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}

/// The reader thread's final report, read after the stream ends.
final class ReportBox: @unchecked Sendable {  // written before the stream finishes, read after
    var report: QualityReport?
}
