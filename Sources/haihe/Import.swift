import ArgumentParser
import Foundation
import HaiheCore
import HaiheStore
#if canImport(Glibc)
import Glibc
#endif

/// `haihe import ENTRY FILE`: checks a file against the entry's fields and publishes it as the entry's new data version.
struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load a CSV, JSON or Excel (.xlsx) file as a new version of a catalog entry's data.",
        discussion: """
        ENTRY is the entry's id as the API and CKAN's package_show give it (its resource code works too). Rejected rows go \
        to quarantine; the exit status is 0 when the version was published, 1 when the entry's policy rejected the batch.
        """)

    @Argument(help: "The catalog entry: id or resource code.") var entry: String
    @Argument(help: "The file: .csv (any delimiter), .json / .ndjson or .xlsx.") var file: String
    @Option(help: "utf-8 or gb18030 (also gbk, gb2312); detected when not given.") var encoding: String?
    @Option(help: "The CSV delimiter, one character; detected from the header when not given.") var delimiter: String?
    @Option(help: "csv, json or xlsx; from the file name when not given.") var format: String?
    @Option(help: "The sheet of an Excel workbook (default: the first).") var sheet: String?
    @Option(help: "Print the quality report as text (default) or json.") var report: String = "text"
    @OptionGroup var storage: StorageOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = try logging.bootstrap()
        var named: TextEncoding?
        if let encoding {
            guard let value = TextEncoding(name: encoding) else {
                throw HaiheError.invalid("data.encoding", zh: "不支持的编码 \(encoding)（可用 utf-8、gb18030、gbk）", en: "Unknown encoding \(encoding) (use utf-8, gb18030 or gbk)")
            }
            named = value
        }
        var delimiterByte: UInt8?
        if let delimiter {
            let text = delimiter == "\\t" || delimiter.lowercased() == "tab" ? "\t" : delimiter
            guard text.utf8.count == 1 else {
                throw HaiheError.invalid("data.delimiter", zh: "分隔符须为单个字符", en: "The delimiter must be one character")
            }
            delimiterByte = text.utf8.first
        }
        let batchFormat = try format.map { value in
            guard let parsed = BatchFormat(rawValue: value.lowercased()) else {
                throw HaiheError.invalid("data.format", zh: "格式须为 csv、json 或 xlsx", en: "The format must be csv, json or xlsx")
            }
            return parsed
        }
        let source = try BatchSource.file(file, format: batchFormat, encoding: named, delimiter: delimiterByte, sheet: sheet, origin: "import")
        let json = report.lowercased() == "json"
        let bar = ProgressDisplay(interactive: !json && isatty(STDERR_FILENO) == 1)
        let (version, quality) = try await withStore(storage, logger: logger, migrate: true) { store in
            let user = ProcessInfo.processInfo.environment["USER"] ?? "operator"
            let audit = AuditDraft(actor: nil, action: "data.import", objectType: "dataset_version", detail: ["file": file, "os_user": user])
            return try await store.datasets.load(entry, from: source, audit: audit) { bar.show($0) }
        }
        bar.finish()
        if json {
            let object: [String: Any] = [
                "rows_read": quality.rowsRead, "rows_accepted": quality.rowsAccepted, "rows_rejected": quality.rowsRejected,
                "version": version.version, "version_id": version.id, "status": version.status.rawValue, "entry_id": version.entryID,
                "by_rule": quality.byRule, "by_field": quality.byField, "encoding": quality.encoding as Any? ?? NSNull(), "delimiter": quality.delimiter as Any? ?? NSNull(),
                "examples": quality.examples.map { ["row": $0.rowNumber, "original": $0.original, "problems": $0.problems.map { ["field": $0.field as Any? ?? NSNull(), "rule": $0.rule.rawValue, "message_zh": $0.messageZH, "message_en": $0.messageEN] }] },
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("版本 / version \(version.version) \(version.status == .published ? "已发布 / published" : "被拒绝 / rejected"): "
                  + "读取 read \(quality.rowsRead), 接收 accepted \(quality.rowsAccepted), 隔离 quarantined \(quality.rowsRejected)")
            for (rule, count) in quality.byRule.sorted(by: { $0.key < $1.key }) { print("  \(rule): \(count)") }
            for example in quality.examples.prefix(5) {
                print("  第\(example.rowNumber)行 row \(example.rowNumber): " + example.problems.map { "\($0.messageZH) / \($0.messageEN)" }.joined(separator: "; "))
            }
        }
        if version.status != .published { throw ExitCode(1) }
    }
}

/// A progress bar on a terminal (rows, rows/s, share of bytes), plain lines every few seconds otherwise.
final class ProgressDisplay: @unchecked Sendable {  // called from one task at a time
    let interactive: Bool
    let started = Date()
    var lastPrinted = Date.distantPast

    init(interactive: Bool) { self.interactive = interactive }

    func show(_ progress: LoadProgress) {
        let now = Date()
        guard now.timeIntervalSince(lastPrinted) >= (interactive ? 0.2 : 5) else { return }
        lastPrinted = now
        let rate = Double(progress.rowsRead) / max(now.timeIntervalSince(started), 0.001)
        let share = progress.totalBytes.map { $0 > 0 ? Double(progress.bytesRead) / Double($0) : 1 }
        let percent = share.map { String(format: "%5.1f%%", $0 * 100) } ?? "    ?"
        if interactive {
            let width = 30, filled = Int((share ?? 0) * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            FileHandle.standardError.write(Data("\r[\(bar)] \(percent)  \(progress.rowsRead) rows  \(Int(rate)) rows/s ".utf8))
        } else {
            FileHandle.standardError.write(Data("import: \(percent) \(progress.rowsRead) rows, \(Int(rate)) rows/s\n".utf8))
        }
    }

    func finish() {
        if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
