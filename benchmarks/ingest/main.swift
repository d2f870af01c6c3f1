// Ingest benchmark: a 1,000,000-row, 10-column CSV (Chinese text, credit codes, dates, decimals; fixed seed) loaded
// with full validation by Haihe, and in the same run by the sqlite3 shell's `.import` into a plain table (the floor
// any SQLite loader meets) and by `sqlite-utils insert --csv` (the peer), each into a fresh database.
//
//   swift run -c release ingest-benchmark [--rows 1000000] [--file enterprises.csv] [--only haihe|sqlite3|sqlite-utils]
//
// Peak memory: run it under `/usr/bin/time -v` with `--only haihe`.
import Foundation
import HaiheCore
import BenchmarkSupport
import HaiheStore



/// The entry the file is checked against: every kind of rule the platform applies.
let fields = [
    FieldDefinition(name: "credit_code", labelZH: "统一社会信用代码", type: .text, required: true, uniqueKey: true, identifier: .creditCode),
    FieldDefinition(name: "name", labelZH: "企业名称", type: .text, required: true, maxLength: 100),
    FieldDefinition(name: "legal_representative", labelZH: "法定代表人", type: .text, required: true, personalInformation: true),
    FieldDefinition(name: "registered_capital", labelZH: "注册资本", type: .decimal, unit: "万元", minimum: "0"),
    FieldDefinition(name: "founded_on", labelZH: "成立日期", type: .date, required: true, minimum: "1949-10-01"),
    FieldDefinition(name: "division", labelZH: "所属区划", type: .text, identifier: .divisionCode),
    FieldDefinition(name: "phone", labelZH: "联系电话", type: .text, personalInformation: true, identifier: .mobile),
    FieldDefinition(name: "employees", labelZH: "从业人数", type: .integer, minimum: "0", maximum: "1000000"),
    FieldDefinition(name: "status", labelZH: "经营状态", type: .text, allowedValues: ["存续", "在业", "迁出", "注销", "吊销"]),
    FieldDefinition(name: "postal_code", labelZH: "邮政编码", type: .text, identifier: .postalCode),
]

/// Writes the reproducible test file; one row in a thousand breaks a rule.
func generate(rows: Int, to path: String) throws {
    var generator = SeededGenerator(state: 20261130)
    let surnames = Array("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"), given = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚")
    let trades = ["科技", "贸易", "建设", "物流", "餐饮", "医药", "文化", "机械", "电子", "咨询"], kinds = ["有限公司", "股份有限公司", "有限责任公司"]
    let districts = ["120101", "120102", "120103", "120104", "120105", "120106", "120110", "120111", "120112", "120113", "120114", "120115", "120116"]
    let statuses = ["存续", "在业", "迁出", "注销", "吊销"]
    FileManager.default.createFile(atPath: path, contents: nil)
    let handle = FileHandle(forWritingAtPath: path)!
    var buffer = "credit_code,name,legal_representative,registered_capital,founded_on,division,phone,employees,status,postal_code\n"
    for i in 0..<rows {
        let division = districts[Int.random(in: 0..<districts.count, using: &generator)]
        var code = UnifiedSocialCreditCode.make(authority: "9", type: "1", division: division, organizationBody: String(format: "%08d", i))!
        if i % 1000 == 999 { code = String(code.dropLast()) + (code.last == "0" ? "1" : "0") }  // a wrong check character
        let person = "\(surnames[Int.random(in: 0..<surnames.count, using: &generator)])\(given[Int.random(in: 0..<given.count, using: &generator)])"
        let name = "天津\(given[i % given.count])\(surnames[(i / 7) % surnames.count])\(trades[(i / 3) % trades.count])\(kinds[i % kinds.count])"
        let capital = String(format: "%.2f", Double(Int.random(in: 1...5_000_000, using: &generator)) / 100)
        let founded = String(format: "%04d-%02d-%02d", Int.random(in: 1980...2025, using: &generator), Int.random(in: 1...12, using: &generator), Int.random(in: 1...28, using: &generator))
        let phone = "1\(Int.random(in: 3...9, using: &generator))\(String(format: "%09d", Int.random(in: 0..<1_000_000_000, using: &generator)))"
        let employees = Int.random(in: 0...5000, using: &generator)
        let postal = "30\(String(format: "%04d", Int.random(in: 0..<2000, using: &generator)))"
        buffer += "\(code),\(name),\(person),\(capital),\(founded),\(division),\(phone),\(employees),\(statuses[i % statuses.count]),\(postal)\n"
        if buffer.utf8.count > 1 << 20 {
            handle.write(Data(buffer.utf8))
            buffer = ""
        }
    }
    handle.write(Data(buffer.utf8))
    try handle.close()
}

func seconds(_ body: () async throws -> Void) async rethrows -> Double {
    let start = ContinuousClock.now
    try await body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func runTool(_ command: String, _ arguments: [String]) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [command] + arguments
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
}

func findTool(_ name: String) -> String? {
    let candidates = [FileManager.default.currentDirectoryPath + "/.venv/bin/" + name] +
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/\(name)" }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
}

enum IngestBenchmark {
    nonisolated static func run() async throws {
        let rows = Int(option("--rows") ?? "") ?? 1_000_000
        let only = option("--only")
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("haihe-ingest-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { if !CommandLine.arguments.contains("--keep") { try? FileManager.default.removeItem(atPath: work) } }
        // --file PATH reuses a file made earlier, or writes one there to keep.
        let file = option("--file") ?? work + "/enterprises.csv"
        if !FileManager.default.fileExists(atPath: file) {
            let t = try await seconds { try generate(rows: rows, to: file) }
            print(String(format: "generated %d rows (%.0f MB) in %.1f s", rows, Double((try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0) / 1e6, t))
        }
        var results: [(String, Double, String)] = []

        if only == nil || only == "haihe" {
            let store = try await Store.open(.sqlite(dataDirectory: work + "/haihe"))
            try await Migrator(database: store.database).migrate()
            let organization = Organization(kind: .cityDepartment, nameZH: "天津市市场监督管理委员会", creditCode: UnifiedSocialCreditCode.make(
                authority: "1", type: "1", division: "120000", organizationBody: "70000001")!, divisionCode: "120000")
            try await store.organizations.create(organization, audit: AuditDraft(actor: nil, action: "bench", objectType: "bench"))
            var entry = CatalogEntry(resourceCode: "105001-00001", title: "企业登记基本信息", summary: "全市企业登记信息", providerID: organization.id,
                                     domain: .enterpriseRegistration, fields: fields, updateFrequency: .daily, shareType: .unconditional, openType: .unconditional)
            entry.status = .published
            entry.publishedAt = Date()
            try await store.database.transaction { try await CatalogStore.importVersion(entry, in: $0) }
            var report = QualityReport()
            let t = try await seconds {
                (_, report) = try await store.datasets.load(entry.entryID, from: try BatchSource.file(file), audit: AuditDraft(actor: nil, action: "bench", objectType: "bench"))
            }
            await store.close()
            results.append(("Haihe (full validation, quarantine)", Double(report.rowsRead) / t,
                            "\(report.rowsAccepted) accepted, \(report.rowsRejected) quarantined"))
        }
        if only == nil || only == "sqlite3" {
            let t = try await seconds {
                guard try runTool("sqlite3", [work + "/import.sqlite", ".import --csv \(file) enterprises"]) == 0 else { throw CocoaError(.fileReadUnknown) }
            }
            results.append(("sqlite3 .import (no checks)", Double(rows) / t, ""))
        }
        if only == nil || only == "sqlite-utils" {
            if let tool = findTool("sqlite-utils") {
                let t = try await seconds {
                    guard try runTool(tool, ["insert", work + "/utils.sqlite", "enterprises", file, "--csv"]) == 0 else { throw CocoaError(.fileReadUnknown) }
                }
                results.append(("sqlite-utils insert --csv (no checks)", Double(rows) / t, ""))
            } else {
                print("sqlite-utils not found (pip install sqlite-utils, or run scripts/test once to create .venv)")
            }
        }
        print("loader                                              rows/s")
        for (name, rate, note) in results { print(String(format: "%-52@ %9.0f   %@", name as NSString, rate, note as NSString)) }
    }
}

try await IngestBenchmark.run()
