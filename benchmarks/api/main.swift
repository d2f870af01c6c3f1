// Public data API benchmark (issue #7): the 1,000,000-row enterprise dataset served by Haihe and, in the same run on
// the same rows, by Datasette (`--immutable`, the peer), loaded with wrk on loopback (2 threads, 50 connections, a fixed
// duration) for five questions: a row by key, a filtered page of 100 with its total (district = 和平区), a sorted deep
// page (registered capital descending, page 100, each server's own deep-paging link), a facet count by district, and
// a text search on the name. A bare Hummingbird route answering a constant of the size of Haihe's row-by-key answer is
// the ceiling.
//
// wrk repeats one URL, which Haihe answers from its answer cache after the first time; so each question is also put to
// a second Haihe started with `--answer-cache-mb 0` (every answer computed), and a row-by-key run rotates 10,000
// different keys (a wrk Lua script). The first answer to each question on the freshly started servers (Haihe builds the
// field's reader index then) is timed too.
//
//   swift build -c release --product haihe && swift run -c release api-benchmark [--rows 1000000] [--duration 10] [--keep]
//
// Needs wrk and sqlite3 (apt-get) and datasette (pip; found on PATH or in ./.venv). `benchmarks/api/run` installs them.
import BenchmarkSupport
import Foundation
import HaiheCore
import HaiheStore
import Hummingbird
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

let districts = ["和平区", "河东区", "河西区", "南开区", "河北区", "红桥区", "东丽区", "西青区", "津南区", "北辰区", "武清区", "宝坻区", "滨海新区", "宁河区", "静海区", "蓟州区"]
let fields = [
    FieldDefinition(name: "credit_code", labelZH: "统一社会信用代码", type: .text, required: true, uniqueKey: true, identifier: .creditCode),
    FieldDefinition(name: "company_name", labelZH: "企业名称", type: .text, required: true),
    FieldDefinition(name: "legal_representative", labelZH: "法定代表人", type: .text),
    FieldDefinition(name: "registered_capital", labelZH: "注册资本", type: .decimal, unit: "万元"),
    FieldDefinition(name: "established_on", labelZH: "成立日期", type: .date),
    FieldDefinition(name: "district", labelZH: "所属区", type: .text, allowedValues: districts),
]

func generate(rows: Int, to path: String) throws {
    var generator = SeededGenerator(state: 20261201)
    let surnames = Array("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"), given = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚")
    let trades = ["科技", "贸易", "建设", "物流", "餐饮", "医药", "文化", "机械", "电子", "咨询"], kinds = ["有限公司", "股份有限公司", "有限责任公司"]
    FileManager.default.createFile(atPath: path, contents: nil)
    let handle = FileHandle(forWritingAtPath: path)!
    var buffer = fields.map(\.name).joined(separator: ",") + "\n"
    for i in 0..<rows {
        let code = UnifiedSocialCreditCode.make(authority: "9", type: "1", division: "120101", organizationBody: String(format: "%08d", i))!
        let person = "\(surnames[Int.random(in: 0..<surnames.count, using: &generator)])\(given[Int.random(in: 0..<given.count, using: &generator)])"
        let name = "天津\(given[i % given.count])\(surnames[(i / 7) % surnames.count])\(trades[(i / 3) % trades.count])\(i)号\(kinds[i % kinds.count])"
        let capital = String(format: "%.2f", Double(Int.random(in: 1...5_000_000, using: &generator)) / 100)
        let founded = String(format: "%04d-%02d-%02d", Int.random(in: 1980...2025, using: &generator), Int.random(in: 1...12, using: &generator), Int.random(in: 1...28, using: &generator))
        buffer += "\(code),\(name),\(person),\(capital),\(founded),\(districts[Int.random(in: 0..<districts.count, using: &generator)])\n"
        if buffer.utf8.count > 1 << 20 {
            handle.write(Data(buffer.utf8))
            buffer = ""
        }
    }
    handle.write(Data(buffer.utf8))
    try handle.close()
}

@discardableResult
func runTool(_ tool: String, _ arguments: [String], output: String? = nil) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = output == nil ? pipe : FileHandle(forWritingAtPath: output!)
    process.standardError = output == nil ? pipe : FileHandle(forWritingAtPath: output!)
    try process.run()
    let data = output == nil ? pipe.fileHandleForReading.readDataToEndOfFile() : Data()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

func find(_ name: String) -> String? {
    let candidates = [FileManager.default.currentDirectoryPath + "/.venv/bin/" + name]
        + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/\(name)" }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
}

func start(_ tool: String, _ arguments: [String], log: String) throws -> Process {
    _ = FileManager.default.createFile(atPath: log, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    process.standardOutput = FileHandle(forWritingAtPath: log)
    process.standardError = FileHandle(forWritingAtPath: log)
    try process.run()
    return process
}

func get(_ url: String) async -> (Int, Data) {
    guard let u = URL(string: url), let (data, response) = try? await URLSession.shared.data(from: u) else { return (0, Data()) }
    return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
}

/// Milliseconds until the whole answer has arrived.
func timed(_ url: String) async -> (status: Int, milliseconds: Double) {
    let start = ContinuousClock.now
    let (status, _) = await get(url)
    let elapsed = ContinuousClock.now - start
    return (status, Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
}

/// A wrk script asking for `paths` in a random order, each thread from its own seed.
func rotatingScript(_ paths: [String], at file: String) throws {
    let list = paths.map { "\"\($0)\"" }.joined(separator: ",\n")
    let lua = """
        local paths = {
        \(list)
        }
        local counter = 0
        function setup(thread) counter = counter + 1; thread:set("seed", counter) end
        function init(args) math.randomseed(seed * 7919 + os.time()) end
        function request() return wrk.format("GET", paths[math.random(#paths)]) end
        """
    try lua.write(toFile: file, atomically: true, encoding: .utf8)
}

func waitFor(_ url: String, seconds: Double = 120) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if await get(url).0 == 200 { return }
        try await Task.sleep(for: .milliseconds(300))
    }
    throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "\(url) did not answer"])
}

struct Measurement {
    var requestsPerSecond: Double
    var p99Milliseconds: Double
    var errors: Int
}

/// wrk on loopback; requests per second, the 99th-percentile latency, and non-2xx answers or socket errors.
/// With a script, the script chooses each request's path.
func wrk(_ url: String, duration: Int, script: String? = nil) throws -> Measurement {
    // A 30-second timeout: a slow answer is counted as slow, not dropped as an error.
    let (_, text) = try runTool(find("wrk")!, ["-t2", "-c50", "-d\(duration)s", "--timeout", "30s", "--latency"] + (script.map { ["-s", $0] } ?? []) + [url])
    func number(after label: String) -> Double? {
        guard let line = text.split(separator: "\n").first(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix(label) }) else { return nil }
        return line.split(separator: " ").dropFirst().first { Double($0.filter { "0123456789.".contains($0) }) != nil }.map { token in
            let value = Double(token.filter { "0123456789.".contains($0) }) ?? 0
            if token.hasSuffix("us") { return value / 1000 }
            if token.hasSuffix("ms") { return value }
            if token.hasSuffix("s") { return value * 1000 }
            return value
        }
    }
    let errors = text.split(separator: "\n").filter { $0.contains("Non-2xx") || $0.contains("Socket errors") }
        .compactMap { line in line.split(separator: " ").compactMap { Int($0.filter(\.isNumber)) }.reduce(0, +) as Int? }.reduce(0, +)
    return Measurement(requestsPerSecond: number(after: "Requests/sec:") ?? 0, p99Milliseconds: number(after: "99%") ?? 0, errors: errors)
}

@main
struct APIBenchmark {
    static func main() async throws {
        try await run()
    }

    nonisolated static func run() async throws {
        // Line by line, so progress shows when the output goes to a file.
        setvbuf(fdopen(1, "w"), nil, _IOLBF, 0)
        let rows = Int(option("--rows") ?? "") ?? 1_000_000
        let duration = Int(option("--duration") ?? "") ?? 10
        for tool in ["wrk", "sqlite3", "datasette"] where find(tool) == nil {
            print("missing \(tool): run benchmarks/api/run (it installs wrk and sqlite3 with apt-get and datasette with pip)")
            exit(2)
        }
        let work = option("--work") ?? FileManager.default.temporaryDirectory.appendingPathComponent("haihe-api-bench").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let csv = work + "/enterprises-\(rows).csv"
        if !FileManager.default.fileExists(atPath: csv) {
            try generate(rows: rows, to: csv)
            print("generated \(rows) rows")
        }

        // Haihe: an open entry with the rows published through the ordinary load.
        let haiheDir = work + "/haihe-\(rows)"
        if !FileManager.default.fileExists(atPath: haiheDir + "/" + Store.sqliteFileName) {
            let store = try await Store.open(.sqlite(dataDirectory: haiheDir))
            try await Migrator(database: store.database).migrate()
            let audit = AuditDraft(actor: nil, action: "bench", objectType: "bench")
            let organization = Organization(kind: .cityDepartment, nameZH: "天津市市场监督管理委员会", creditCode: UnifiedSocialCreditCode.make(
                authority: "1", type: "1", division: "120000", organizationBody: "70000001")!, divisionCode: "120000")
            try await store.organizations.create(organization, audit: audit)
            var entry = CatalogEntry(resourceCode: "201005-00001", title: "企业登记基本信息", summary: "全市企业登记信息", providerID: organization.id,
                                     domain: .enterpriseRegistration, fields: fields, updateFrequency: .daily, shareType: .unconditional, openType: .unconditional)
            entry.status = .published
            entry.publishedAt = Date()
            try await store.database.transaction { try await CatalogStore.importVersion(entry, in: $0) }
            let (version, _) = try await store.datasets.load(entry.entryID, from: try BatchSource.file(csv), audit: audit)
            print("Haihe: published version \(version.version) with \(version.rowsAccepted) rows")
            await store.close()
        }
        // Datasette: the same rows in a plain SQLite table whose primary key is the credit code (its row-by-key page),
        // with an index on the district (the filter and facet), and none on the capital (the issue's "sorted, no index").
        let datasetteDB = work + "/datasette-\(rows).db"
        if !FileManager.default.fileExists(atPath: datasetteDB) {
            let schema = "CREATE TABLE enterprises (credit_code TEXT PRIMARY KEY, company_name TEXT, legal_representative TEXT, registered_capital REAL, established_on TEXT, district TEXT);"
            let (status, output) = try runTool(find("sqlite3")!, [datasetteDB, schema, ".import --csv --skip 1 \(csv) enterprises",
                                                                   "CREATE INDEX enterprises_district ON enterprises(district);", "ANALYZE;"])
            guard status == 0 else { print(output); exit(1) }
        }

        let haiheBinary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("haihe").path
        guard FileManager.default.isExecutableFile(atPath: haiheBinary) else {
            print("build the server first: swift build -c release --product haihe")
            exit(2)
        }
        let haihe = try start(haiheBinary, ["serve", "--data-dir", haiheDir, "--port", "18101", "--rate-limit-anonymous", "0", "--rate-limit-key", "0",
                                            "--checkpoint-interval", "0", "--pull-interval", "0", "--log-level", "warning"], log: work + "/haihe.log")
        // The same server and data with no answer cache: every answer computed (reading the same database file).
        let uncached = try start(haiheBinary, ["serve", "--data-dir", haiheDir, "--port", "18104", "--rate-limit-anonymous", "0", "--rate-limit-key", "0",
                                               "--checkpoint-interval", "0", "--pull-interval", "0", "--log-level", "warning", "--answer-cache-mb", "0"],
                                   log: work + "/haihe-uncached.log")
        // Facet suggestions off: with them Datasette computes candidate facets on every table page and, under this load,
        // answered no filtered page within ten seconds; off is the peer at its fastest.
        let datasette = try start(find("datasette")!, ["serve", "--immutable", datasetteDB, "-p", "18102", "--setting", "sql_time_limit_ms", "20000",
                                                       "--setting", "facet_time_limit_ms", "20000", "--setting", "suggest_facets", "off"], log: work + "/datasette.log")
        defer {
            // SIGTERM, then SIGKILL: a peer busy with a long query must not outlive the run and hold its port.
            for process in [haihe, uncached, datasette] {
                process.terminate()
                for _ in 0..<50 where process.isRunning { usleep(100_000) }
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            }
        }
        let h = "http://127.0.0.1:18101/api/v1/datasets/201005-00001"
        let u = "http://127.0.0.1:18104/api/v1/datasets/201005-00001"
        let d = "http://127.0.0.1:18102/datasette-\(rows)/enterprises"
        // A server left from an earlier run would answer in place of this one.
        guard haihe.isRunning, uncached.isRunning, datasette.isRunning else { print("a server did not start (port in use?): see \(work)/haihe.log, datasette.log"); exit(1) }
        try await waitFor(h + "/rows?limit=1")
        try await waitFor(u + "/rows?limit=1")
        try await waitFor(d + ".json?_size=1")
        let key = UnifiedSocialCreditCode.make(authority: "9", type: "1", division: "120101", organizationBody: String(format: "%08d", rows / 2))!
        let district = "和平区".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let word = "\(rows / 3)号".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!

        // The first answer to each question on the servers as started (the sorted one at its first page).
        let firsts: [(String, String, String)] = [
            ("row by key", "/rows?credit_code=\(key)&include_total=false", "/\(key).json"),
            ("filtered page of 100 with total (district = 和平区)", "/rows?district=\(district)&limit=100", ".json?district=\(district)&_size=100"),
            ("sorted page (capital desc, page 1)", "/rows?sort=-registered_capital&limit=100&include_total=false", ".json?_sort_desc=registered_capital&_size=100"),
            ("facet count by district", "/facets?field=district", ".json?_facet=district&_size=0"),
            ("text search on the name", "/rows?company_name__contains=\(word)&limit=20", ".json?company_name__contains=\(word)&_size=20"),
        ]
        var coldLines: [String] = []
        for (name, haihePath, datasettePath) in firsts {
            let a = await timed(h + haihePath), again = await timed(h + haihePath), b = await timed(d + datasettePath)
            coldLines.append(String(format: "| %@ | %.1f ms | %.1f ms | %.1f ms |", name, a.milliseconds, again.milliseconds, b.milliseconds))
        }

        // Page 100 of 100 rows sorted by capital, reached the way each server offers deep pages.
        var haiheDeep = h + "/rows?sort=-registered_capital&limit=100&include_total=false"
        var datasetteDeep = d + ".json?_sort_desc=registered_capital&_size=100"
        for _ in 1..<100 {
            let (_, hd) = await get(haiheDeep)
            let next = (try JSONSerialization.jsonObject(with: hd) as? [String: Any])?["next"] as? String ?? ""
            haiheDeep = h + "/rows?sort=-registered_capital&limit=100&include_total=false&cursor=" + next
            let (_, dd) = await get(datasetteDeep)
            let nextURL = (try JSONSerialization.jsonObject(with: dd) as? [String: Any])?["next_url"] as? String ?? ""
            datasetteDeep = nextURL
        }

        // The ceiling: a bare Hummingbird route answering a constant as large as Haihe's row-by-key answer.
        let (_, keyBody) = await get(h + "/rows?credit_code=\(key)&include_total=false")
        let constant = ByteBuffer(bytes: keyBody)
        let bareRouter = Router()
        bareRouter.get("/row") { _, _ in Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: constant)) }
        let bare = Application(router: bareRouter, configuration: .init(address: .hostname("127.0.0.1", port: 18103)))
        let bareTask = Task { try await bare.runService() }
        try await waitFor("http://127.0.0.1:18103/row")

        // The same questions under load, the sorted one 99 pages deeper.
        let questions: [(String, String, String)] = firsts.map { name, haihePath, datasettePath in
            name.hasPrefix("sorted") ? ("sorted deep page (capital desc, page 100)", haiheDeep, datasetteDeep) : (name, h + haihePath, d + datasettePath)
        }
        // 10,000 different keys spread over the table, in a random order per wrk thread.
        let keys = (0..<10_000).map { i in UnifiedSocialCreditCode.make(authority: "9", type: "1", division: "120101", organizationBody: String(format: "%08d", (i * 7_919) % rows))! }
        let haiheScript = work + "/haihe-keys.lua", datasetteScript = work + "/datasette-keys.lua"
        try rotatingScript(keys.map { "/api/v1/datasets/201005-00001/rows?credit_code=\($0)&include_total=false" }, at: haiheScript)
        try rotatingScript(keys.map { "/datasette-\(rows)/enterprises/\($0).json" }, at: datasetteScript)
        // The ceiling first, while nothing else runs.
        let ceiling = try wrk("http://127.0.0.1:18103/row", duration: duration)
        bareTask.cancel()
        print("\n\(rows) rows · wrk -t2 -c50 -d\(duration)s on 127.0.0.1 · \(ProcessInfo.processInfo.activeProcessorCount) cores\n")
        print("The first answers on the servers as started (Haihe builds a field's reader index on its first use):\n")
        print("| question | Haihe first | Haihe second | Datasette first |")
        print("|---|---:|---:|---:|")
        coldLines.forEach { print($0) }
        print("\nUnder load; \"computed\" is Haihe with --answer-cache-mb 0, and the ratio is computed Haihe to Datasette:\n")
        print("| question | Haihe req/s | Haihe p99 | computed req/s | computed p99 | Datasette req/s | Datasette p99 | ratio |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        let rotating = ("row by key, 10,000 keys rotating", h + "/rows", d + ".json")
        for (name, haiheURL, datasetteURL) in questions + [rotating] {
            let isRotating = name == rotating.0
            if !isRotating {
                for (url, server) in [(haiheURL, "Haihe"), (datasetteURL, "Datasette")] {
                    let (status, _) = await get(url)
                    if status != 200 { print("note: \(server) answered \(status) for \(name): \(url)") }
                }
            }
            let a = try wrk(haiheURL, duration: duration, script: isRotating ? haiheScript : nil)
            let c = try wrk(haiheURL.replacingOccurrences(of: ":18101/", with: ":18104/"), duration: duration, script: isRotating ? haiheScript : nil)
            let b = try wrk(datasetteURL, duration: duration, script: isRotating ? datasetteScript : nil)
            // Queries the peer was still running when wrk stopped would otherwise steal the next measurement's CPU.
            try await Task.sleep(for: .seconds(duration))
            let errors = a.errors + b.errors + c.errors > 0 ? " (errors: Haihe \(a.errors), computed \(c.errors), Datasette \(b.errors))" : ""
            print(String(format: "| %@ | %.0f | %.1f ms | %.0f | %.1f ms | %.0f | %.1f ms | %.1f× |%@", name, a.requestsPerSecond, a.p99Milliseconds,
                         c.requestsPerSecond, c.p99Milliseconds, b.requestsPerSecond, b.p99Milliseconds,
                         c.requestsPerSecond / max(b.requestsPerSecond, 0.001), errors))
        }
        let byKey = try wrk(questions[0].1, duration: duration)
        print(String(format: "\nbare Hummingbird route (%d bytes): %.0f req/s, p99 %.1f ms; Haihe row by key: %.0f req/s = %.0f%% of it",
                     keyBody.count, ceiling.requestsPerSecond, ceiling.p99Milliseconds, byKey.requestsPerSecond, 100 * byKey.requestsPerSecond / max(ceiling.requestsPerSecond, 1)))
        if !CommandLine.arguments.contains("--keep") && option("--work") == nil { try? FileManager.default.removeItem(atPath: work) }
    }
}
