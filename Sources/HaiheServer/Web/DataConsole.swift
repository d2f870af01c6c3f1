import Foundation
import HaiheCore
import HaiheStore
import Hummingbird
import MultipartKit

/// Console pages for connecting data: upload a file, read the quality report, download the quarantine, set the
/// policy, restore an earlier version. The same store calls as the JSON API (`DataAPI`), behind the same actions.
struct DataConsole: Sendable {
    let store: Store
    let `guard`: Guard
    let secrets: SecretBox

    var api: DataAPI { DataAPI(store: store, guard: `guard`, secrets: secrets) }

    func addRoutes(to router: Router<HaiheRequestContext>) {
        let web = router.group().add(middleware: WebErrorMiddleware())

        web.route(.get, "/console/data/{entry}", .dataHistory, guard: `guard`) { request, context -> HTML in
            let entry = try await api.entry(context, .dataHistory)
            let notice = request.uri.queryParameters["notice"].map(String.init)
            return try await dataPage(context, entry: entry, notice: notice, error: nil)
        }

        web.route(.get, "/console/data/{entry}/versions/{version}", .dataHistory, guard: `guard`) { _, context -> HTML in
            let (entry, version) = try await api.version(context, .dataHistory)
            let report = try await store.datasets.report(versionID: version.id) ?? QualityReport()
            return reportPage(context, entry: entry, version: version, report: report)
        }

        web.route(.post, "/console/data/{entry}/upload", .dataIngest, guard: `guard`) { request, context -> Response in
            let entry = try await api.entry(context, .dataIngest)
            let upload = try await UploadedFile.receive(request, maximumBytes: DataAPI.maximumUploadBytes)
            defer { try? FileManager.default.removeItem(atPath: upload.path) }
            do {
                guard upload.size > 0 else { throw HaiheError.invalid("data.empty", zh: "请选择要上传的文件", en: "Choose a file to upload") }
                let encoding = upload.fields["encoding"].flatMap { $0.isEmpty ? nil : TextEncoding(name: $0) }
                let format = BatchFormat.guess(fileName: upload.fileName, contentType: upload.fileType)
                let sheet = upload.fields["sheet"].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0.trimmingCharacters(in: .whitespaces) }
                let source = try BatchSource.file(upload.path, format: format, encoding: encoding, sheet: sheet, origin: "upload")
                let (version, _) = try await store.datasets.load(entry.entryID, from: source, audit: context.auditDraft(
                    .dataIngest, detail: ["bytes": String(upload.size), "format": format.rawValue, "file": upload.fileName ?? ""]))
                return redirect(to: "/console/data/\(entry.entryID)/versions/\(version.version)")
            } catch let error as HaiheError {
                return try await dataPage(context, entry: entry, notice: nil, error: error.message).page(status: error.kind.status)
            }
        }

        web.route(.post, "/console/data/{entry}/policy", .dataIngest, guard: `guard`) { request, context -> Response in
            let entry = try await api.entry(context, .dataIngest)
            let form = try await FormFields.from(request, context: context)
            guard let policy = form["policy"].flatMap(RejectionPolicy.init) else {
                throw HaiheError.invalid("data.policy", zh: "请选择处理方式", en: "Choose a policy")
            }
            try await store.datasets.setPolicy(policy, entryID: entry.entryID, audit: context.auditDraft(.dataIngest, detail: ["operation": "policy"]))
            return redirect(to: "/console/data/\(entry.entryID)?notice=policy")
        }

        web.route(.post, "/console/data/{entry}/versions/{version}/restore", .dataIngest, guard: `guard`) { _, context -> Response in
            let (entry, version) = try await api.version(context, .dataIngest)
            let restored = try await store.datasets.restore(entryID: entry.entryID, versionID: version.id,
                                                            audit: context.auditDraft(.dataIngest, detail: ["operation": "restore"]))
            return redirect(to: "/console/data/\(entry.entryID)/versions/\(restored.version)")
        }
    }

    func dataPage(_ context: HaiheRequestContext, entry: CatalogEntry, notice: String?, error: String?) async throws -> HTML {
        let history = try await store.datasets.history(entryID: entry.entryID)
        let policy = try await store.datasets.policy(entryID: entry.entryID)
        let mayIngest = AccessPolicy.decide(context.identity?.subject, .dataIngest, on: PolicyObject(organizationID: entry.providerID)).isAllowed
        let base = "/console/data/\(entry.entryID)"
        let rows: [HTML] = history.map { v in
            let restore: HTML = mayIngest && v.restorable && v.status == .superseded
                ? "<form class=\"inline\" method=\"post\" action=\"\(base)/versions/\(v.version)/restore\">\(Layout.csrfField(context.identity))<button class=\"secondary\" type=\"submit\">恢复 Restore</button></form>" : ""
            let quarantine: HTML = v.rowsRejected > 0 ? "<a href=\"/api/v1/data/\(entry.entryID)/versions/\(v.version)/quarantine.csv\">隔离行 CSV</a>" : ""
            return """
            <tr><td><a href="\(base)/versions/\(v.version)">第\(v.version)版</a></td><td>\(Self.statusLabel(v.status))</td><td>\(v.source)</td>\
            <td>\(v.rowsRead)</td><td>\(v.rowsAccepted)</td><td>\(v.rowsRejected)</td><td>\(v.createdBy)</td><td>\(Timestamp.format(v.createdAt))</td><td>\(quarantine) \(restore)</td></tr>
            """
        }
        let fields: [HTML] = entry.fields.map { f in
            let rules = [f.required ? "必填" : nil, f.uniqueKey ? "唯一" : nil, f.identifier?.labelZH, f.allowedValues.map { "取值：" + $0.joined(separator: "、") },
                         f.minimum.map { "≥ " + $0 }, f.maximum.map { "≤ " + $0 }, f.pattern.map { "格式 " + $0 }].compactMap { $0 }.joined(separator: "；")
            return "<tr><td class=\"mono\">\(f.name)</td><td>\(f.labelZH)</td><td>\(f.type.rawValue)</td><td>\(rules)</td></tr>"
        }
        let upload: HTML = mayIngest ? """
            <h2>上传数据 Upload</h2>
            <form class="card" method="post" enctype="multipart/form-data" action="\(base)/upload?_csrf=\(context.identity?.csrfToken ?? "")">
            <label for="file">文件（CSV、JSON 或 Excel；表头用信息项名称或中文名）File (CSV, JSON or Excel .xlsx; header by field name or Chinese label)</label>
            <input id="file" name="file" type="file" accept=".csv,.txt,.json,.ndjson,.xlsx,text/csv,application/json" required>
            <label for="sheet">Excel工作表（默认第一个）Sheet (default: the first)</label><input id="sheet" name="sheet">
            <label for="encoding">编码 Encoding</label>
            <select id="encoding" name="encoding"><option value="">自动识别 Detect</option><option value="utf-8">UTF-8</option><option value="gb18030">GB18030 / GBK</option></select>
            <button type="submit">上传并校验 Upload and check</button></form>
            <h2>有错误行时 When rows are rejected</h2>
            <form class="card" method="post" action="\(base)/policy">\(Layout.csrfField(context.identity))
            <label><input type="radio" name="policy" value="quarantine"\(policy == .quarantine ? " checked" : "")> 发布合格行，隔离错误行 Publish the valid rows, quarantine the rest</label>
            <label><input type="radio" name="policy" value="reject_batch"\(policy == .rejectBatch ? " checked" : "")> 整批拒绝 Refuse the whole batch</label>
            <button class="secondary" type="submit">保存 Save</button></form>
            """ : ""
        let current = history.first { $0.status == .published }
        let summary: HTML = current.map { "<p>现行版本 In force: <strong>第\($0.version)版</strong>，\($0.rowsAccepted) 行，发布于 \($0.publishedAt.map(Timestamp.format) ?? "")</p>" } ?? "<p>尚无数据 No data yet.</p>"
        return Layout.page("数据 Data — \(entry.title)", identity: context.identity, notice: notice == "policy" ? "已保存 Saved" : nil, error: error, """
        <p><a href="/console/catalog/entries/\(entry.id)">目录 Catalog entry</a> · <span class="mono">\(entry.resourceCode)</span></p>\(summary)
        \(upload)
        <h2>版本 Versions</h2><table><thead><tr><th>版本</th><th>状态 Status</th><th>来源 Source</th><th>读取 Read</th><th>接收 Accepted</th><th>隔离 Rejected</th><th>操作人 By</th><th>时间 At</th><th></th></tr></thead><tbody>\(rows)</tbody></table>
        <h2>校验规则 Checks</h2><table><thead><tr><th>名称</th><th>中文名</th><th>类型</th><th>规则 Rules</th></tr></thead><tbody>\(fields)</tbody></table>
        """)
    }

    func reportPage(_ context: HaiheRequestContext, entry: CatalogEntry, version: DatasetVersion, report: QualityReport) -> HTML {
        let base = "/console/data/\(entry.entryID)"
        let byRule: [HTML] = report.byRule.sorted { $0.value > $1.value }.map { rule, count in
            "<li>\(QualityRule(rawValue: rule)?.labelZH ?? rule) \(rule)：\(count)</li>"
        }
        let byField: [HTML] = report.byField.sorted { $0.value > $1.value }.map { field, count in
            "<li>\(entry.fields.first { $0.name == field }?.labelZH ?? field) <span class=\"mono\">\(field)</span>：\(count)</li>"
        }
        let examples: [HTML] = report.examples.map { row in
            let reasons: [HTML] = row.problems.map { "<li>\($0.messageZH)<br><span class=\"muted\">\($0.messageEN)</span></li>" }
            return "<tr><td>\(row.rowNumber)</td><td><ul>\(reasons)</ul></td><td class=\"mono\">\(String(row.original.prefix(300)))</td></tr>"
        }
        let quarantine: HTML = report.rowsRejected > 0
            ? "<p><a href=\"/api/v1/data/\(entry.entryID)/versions/\(version.version)/quarantine.csv\">下载全部隔离行 Download every rejected row (CSV)</a> — 修正后重新上传 fix and upload again.</p>" : ""
        return Layout.page("质量报告 Quality report — 第\(version.version)版", identity: context.identity, """
        <p><a href="\(base)">← \(entry.title)</a></p>
        <section class="card"><div class="grid">
        <div><strong>状态 Status</strong><br>\(Self.statusLabel(version.status))</div><div><strong>读取 Rows read</strong><br>\(report.rowsRead)</div>
        <div><strong>接收 Accepted</strong><br>\(report.rowsAccepted)</div><div><strong>隔离 Rejected</strong><br>\(report.rowsRejected)</div>
        <div><strong>编码 Encoding</strong><br>\(report.encoding ?? "—")</div><div><strong>分隔符 Delimiter</strong><br>\(report.delimiter.map { $0 == "\t" ? "Tab" : $0 } ?? "—")</div>
        </div></section>\(quarantine)
        <div class="grid"><div><h2>按规则 By rule</h2><ul>\(byRule)</ul></div><div><h2>按信息项 By field</h2><ul>\(byField)</ul></div></div>
        <h2>示例 First rejected rows</h2><table><thead><tr><th>行 Row</th><th>原因 Reasons</th><th>原始内容 Original</th></tr></thead><tbody>\(examples)</tbody></table>
        """)
    }

    static func statusLabel(_ status: DatasetVersion.Status) -> String {
        switch status {
        case .loading: "载入中 loading"
        case .published: "现行 in force"
        case .superseded: "已替换 superseded"
        case .rejected: "整批拒绝 rejected"
        case .abandoned: "已中止 abandoned"
        }
    }
}

/// A file from a multipart/form-data upload, streamed to a temporary file as it arrives, with the form's small fields.
struct UploadedFile {
    var path: String
    var size: Int
    var fileName: String?
    var fileType: String?
    var fields: [String: String]

    static func receive(_ request: Request, maximumBytes: Int) async throws -> UploadedFile {
        guard let type = request.headers[.contentType], type.lowercased().hasPrefix("multipart/form-data"),
              let boundary = type.components(separatedBy: "boundary=").last?.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")), !boundary.isEmpty else {
            throw HaiheError.invalid("data.upload", zh: "请通过文件上传表单提交", en: "Send the file through the upload form (multipart/form-data)")
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("haihe-upload-\(Identifier.make())").path
        FileManager.default.createFile(atPath: path, contents: nil)
        let collector = try Collector(path: path, maximumBytes: maximumBytes)
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in collector.header(name, value) }
        parser.onBody = { buffer in collector.body(&buffer) }
        parser.onPartComplete = { collector.partComplete() }
        do {
            for try await buffer in request.body {
                try parser.execute(buffer)
                if let failure = collector.failure { throw failure }
            }
            try collector.handle.close()
        } catch {
            try? collector.handle.close()
            try? FileManager.default.removeItem(atPath: path)
            if error is HaiheError { throw error }
            throw HaiheError.invalid("data.upload", zh: "上传内容不完整或格式错误", en: "The upload is incomplete or malformed")
        }
        return UploadedFile(path: path, size: collector.size, fileName: collector.fileName, fileType: collector.fileType, fields: collector.fields)
    }

    /// Receives the parser's callbacks: the part named `file` goes to disk, other parts (at most 1 KiB each) to `fields`.
    final class Collector {
        let handle: FileHandle
        let maximumBytes: Int
        var size = 0
        var part: String?
        var partFileName: String?
        var fileName: String?
        var fileType: String?
        var fields: [String: String] = [:]
        var failure: HaiheError?

        init(path: String, maximumBytes: Int) throws {
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            self.maximumBytes = maximumBytes
        }

        func header(_ name: String, _ value: String) {
            switch name.lowercased() {
            case "content-disposition":
                for piece in value.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                    if piece.hasPrefix("name=") { part = String(piece.dropFirst(5)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
                    if piece.hasPrefix("filename=") { partFileName = String(piece.dropFirst(9)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
                }
                if part == "file" { fileName = partFileName }
            case "content-type":
                if part == "file" { fileType = value }
            default: break
            }
        }

        func body(_ buffer: inout ByteBuffer) {
            guard let part else { return }
            if part == "file" {
                size += buffer.readableBytes
                if size > maximumBytes {
                    failure = HaiheError.invalid("data.too_large", zh: "上传文件超过\(maximumBytes >> 30)GB", en: "The upload exceeds \(maximumBytes >> 30) GB")
                    return
                }
                do { try handle.write(contentsOf: Data(buffer: buffer)) } catch {
                    failure = HaiheError(.unavailable, code: "data.upload_storage", zh: "服务器暂存上传文件失败（磁盘可能已满）", en: "The server could not store the upload (the disk may be full)")
                }
            } else if (fields[part]?.utf8.count ?? 0) < 64 * 1024 {
                fields[part, default: ""] += String(buffer: buffer)
            }
        }

        func partComplete() {
            part = nil
            partFileName = nil
        }
    }
}
