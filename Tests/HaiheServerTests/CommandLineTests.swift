import Crypto
import Foundation
import HaiheCore
import HaiheStore
import HaiheTestSupport
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The `haihe` binary as a user runs it: real processes, real ports, real files.
enum HaiheBinary {
    static var url: URL {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("haihe")
        if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return packageRoot.appendingPathComponent(".build/debug/haihe")
    }

    struct Outcome {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs the binary to completion (bounded in time) and collects its output.
    static func run(_ arguments: [String], timeout: TimeInterval = 60) throws -> Outcome {
        let process = try start(arguments)
        let deadline = Date().addingTimeInterval(timeout)
        while process.process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.process.isRunning { process.process.terminate() }
        process.process.waitUntilExit()
        return process.outcome()
    }

    final class Running: @unchecked Sendable {
        let process = Process()
        let out = Pipe()
        let err = Pipe()

        func outcome() -> Outcome {
            Outcome(status: process.terminationStatus,
                    stdout: String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
                    stderr: String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        }
    }

    static func start(_ arguments: [String]) throws -> Running {
        let running = Running()
        running.process.executableURL = url
        running.process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment = environment.filter { !$0.key.hasPrefix("HAIHE_") }
        running.process.environment = environment
        running.process.standardOutput = running.out
        running.process.standardError = running.err
        try running.process.run()
        return running
    }

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// The storage flags for this run's backend: a fresh data directory, plus a fresh PostgreSQL database on that run.
    static func storageArguments() async throws -> (arguments: [String], dataDirectory: String, cleanup: @Sendable () async -> Void) {
        let (location, directory, cleanup) = try await TestDatabase.makeLocation()
        switch location {
        case .sqlite: return (["--data-dir", directory], directory, cleanup)
        case .postgres(let url): return (["--data-dir", directory, "--database-url", url], directory, cleanup)
        }
    }
}

enum SHA256Hex {
    static func of(_ bytes: [UInt8]) -> String { SHA256.hash(data: bytes).hexString }
}

/// Sends bytes as they are (no client library would send a malformed request) and reads the answer for up to 5 s.
func rawHTTP(port: Int, _ request: String) -> String {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    var timeout = timeval(tv_sec: 5, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    guard connected == 0 else { return "" }
    let bytes = Array(request.utf8)
    _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
    var answer: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = recv(fd, &buffer, buffer.count, 0)
        guard count > 0 else { break }
        answer += buffer[0..<count]
        if let text = String(bytes: answer, encoding: .utf8), text.contains("\r\n\r\n"), text.contains("}") { break }
    }
    return String(decoding: answer, as: UTF8.self)
}

func httpGet(_ url: String) async -> (status: Int, body: String)? {
    guard let (data, response) = try? await URLSession.shared.data(from: URL(string: url)!),
          let http = response as? HTTPURLResponse else { return nil }
    return (http.statusCode, String(decoding: data, as: UTF8.self))
}

@Suite("The haihe command line", .serialized)
struct CommandLineTests {
    @Test("serve --demo starts a living platform, refuses a second one on the same port, and stops cleanly on SIGTERM")
    func serveDemoLifecycle() async throws {
        let (storage, directory, cleanup) = try await HaiheBinary.storageArguments()
        defer { Task { await cleanup() } }
        let port = HaiheBinary.freePort()
        let server = try HaiheBinary.start(["serve", "--demo", "--port", String(port)] + storage)
        var ready = false
        for _ in 0..<200 {
            if let answer = await httpGet("http://127.0.0.1:\(port)/readyz"), answer.status == 200 { ready = true; break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(ready)

        let credentialsPath = directory + "/demo-credentials.json"
        let credentials = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: credentialsPath))) as? [[String: Any]]
        #expect((credentials?.count ?? 0) >= 7)
        #expect(credentials?.allSatisfy { $0["username"] is String && $0["password"] is String && $0["role"] is String && $0["organization"] is String } == true)
        let platform = await httpGet("http://127.0.0.1:\(port)/api/v1/platform")
        #expect(platform?.body.contains("\"organizations\":17") == true)

        // A body that is not HTTP is the client's fault: a bilingual 400, not a 500.
        let malformed = rawHTTP(port: port, "POST /api/3/action/datastore_search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
        #expect(malformed.hasPrefix("HTTP/1.1 400"), "\(malformed.prefix(300))")
        #expect(malformed.contains("请求格式错误") && malformed.contains("Malformed HTTP request"))

                // A second server on the same port fails at once with one clear line, and creates nothing.
        let otherDirectory = directory + "-second"
        let second = try HaiheBinary.run(["serve", "--port", String(port), "--data-dir", otherDirectory])
        #expect(second.status != 0)
        #expect(second.stderr.contains("无法监听"))
        #expect(second.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: otherDirectory))

        kill(server.process.processIdentifier, SIGTERM)
        server.process.waitUntilExit()
        #expect(server.process.terminationStatus == 0)
        let outcome = server.outcome()
        #expect(outcome.stderr.contains("\"status\":\"200\""))
        #expect(outcome.stderr.contains("\"duration_ms\""))
        #expect(outcome.stderr.contains("\"msg\":\"stopped\""))
        #expect(!outcome.stderr.contains("Fatal error"))

        // Started again on the same data, the demo is not loaded twice.
        let again = try HaiheBinary.start(["serve", "--demo", "--port", String(port)] + storage)
        var answered = false
        for _ in 0..<200 {
            if let answer = await httpGet("http://127.0.0.1:\(port)/api/v1/platform") {
                answered = answer.body.contains("\"organizations\":17")
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(answered)
        kill(again.process.processIdentifier, SIGINT)
        again.process.waitUntilExit()
        #expect(again.process.terminationStatus == 0)
        #expect(again.outcome().stdout.contains("already loaded"))
    }

    @Test("two instances started together on one database both serve it, and the demo is loaded once")
    func twoInstances() async throws {
        let (storage, _, cleanup) = try await HaiheBinary.storageArguments()
        defer { Task { await cleanup() } }
        let ports = [HaiheBinary.freePort(), HaiheBinary.freePort()]
        let servers = try ports.map { try HaiheBinary.start(["serve", "--demo", "--port", String($0)] + storage) }
        for port in ports {
            var body: String?
            for _ in 0..<200 {
                if let answer = await httpGet("http://127.0.0.1:\(port)/api/v1/platform") { body = answer.body; break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(body?.contains("\"organizations\":17") == true, "instance on \(port) sees the one demo city")
        }
        for server in servers { kill(server.process.processIdentifier, SIGTERM) }
        var loaded = 0
        for server in servers {
            server.process.waitUntilExit()
            let outcome = server.outcome()
            #expect(server.process.terminationStatus == 0, "stderr: \(outcome.stderr.suffix(2000))")
            if outcome.stdout.contains("demo city loaded") { loaded += 1 }
        }
        #expect(loaded == 1)
    }

    @Test("an unknown flag is one clear line and a usage exit code")
    func unknownFlag() throws {
        let outcome = try HaiheBinary.run(["serve", "--no-such-flag"])
        #expect(outcome.status == 64)
        #expect(outcome.stderr.contains("--no-such-flag"))
        #expect(outcome.stderr.trimmingCharacters(in: .newlines).split(separator: "\n").count == 1)
    }

    @Test("serve --help lists every setting with its environment variable")
    func help() throws {
        let outcome = try HaiheBinary.run(["serve", "--help"])
        #expect(outcome.status == 0)
        for name in ["--host", "--port", "--data-dir", "--database-url", "--demo", "--log-level", "HAIHE_PORT", "HAIHE_DATABASE_URL"] {
            #expect(outcome.stdout.contains(name), "help mentions \(name)")
        }
    }

    @Test("a data directory that cannot be created is one clear bilingual line, and nothing is created")
    func unwritableDataDirectory() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("haihe-file-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: file, contents: Data("not a directory".utf8))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let outcome = try HaiheBinary.run(["serve", "--port", String(HaiheBinary.freePort()), "--data-dir", file + "/data"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("无法创建数据目录"))
        #expect(outcome.stderr.contains("Cannot create the data directory"))
        #expect(outcome.stderr.trimmingCharacters(in: .newlines).split(separator: "\n").count == 1)
    }

    @Test("an unreachable database is one clear line, and no data directory is left behind")
    func unreachableDatabase() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("haihe-none-\(UUID().uuidString)").path
        let outcome = try HaiheBinary.run(["serve", "--demo", "--port", String(HaiheBinary.freePort()), "--data-dir", directory,
                                           "--database-url", "postgres://nobody:secret@127.0.0.1:\(HaiheBinary.freePort())/nothing"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("无法连接数据库"))
        #expect(!outcome.stderr.contains("secret"))
        #expect(outcome.stderr.trimmingCharacters(in: .newlines).split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: directory))
    }

    @Test("audit verify passes an intact trail and names the first altered event, exiting non-zero")
    func auditVerify() async throws {
        let (storage, _, cleanup) = try await HaiheBinary.storageArguments()
        defer { Task { await cleanup() } }
        #expect(try HaiheBinary.run(["migrate"] + storage).status == 0)
        let location: DatabaseLocation = storage.contains("--database-url")
            ? .postgres(url: storage[storage.firstIndex(of: "--database-url")! + 1]) : .sqlite(dataDirectory: storage[1])
        let store = try await Store.open(location)
        for i in 1...5 {
            try await store.audit.record(AuditDraft(actor: nil, action: "test.event", objectType: "test", objectID: String(i)))
        }
        let signed = try HaiheBinary.run(["audit", "checkpoint"] + storage)
        #expect(signed.status == 0)
        #expect(signed.stdout.contains("checkpoint signed at event #5"))
        let intact = try HaiheBinary.run(["audit", "verify"] + storage)
        #expect(intact.status == 0)
        #expect(intact.stdout.contains("6 events, 1 signed checkpoints"))

        try await store.database.transaction { try await $0.execute("UPDATE audit_events SET object_id = 'forged' WHERE sequence = 2", []) }
        await store.close()
        let tampered = try HaiheBinary.run(["audit", "verify"] + storage)
        #expect(tampered.status == 2)
        #expect(tampered.stderr.contains("#2"))
        #expect(tampered.stderr.contains("篡改"))
    }

    @Test("migrate brings a database to the latest version and says so")
    func migrate() async throws {
        let (storage, _, cleanup) = try await HaiheBinary.storageArguments()
        defer { Task { await cleanup() } }
        let first = try HaiheBinary.run(["migrate"] + storage)
        #expect(first.status == 0)
        #expect(first.stdout.contains("migrated"))
        let second = try HaiheBinary.run(["migrate"] + storage)
        #expect(second.status == 0)
        #expect(second.stdout.contains("up to date"))
    }
}

@Suite("haihe import")
struct ImportCommandTests {
    static func location(_ storage: [String]) -> DatabaseLocation {
        storage.contains("--database-url") ? .postgres(url: storage[storage.firstIndex(of: "--database-url")! + 1]) : .sqlite(dataDirectory: storage[1])
    }

    @Test("imports a file by entry id with --report json; a bad file is one bilingual line and exit 1 with nothing changed")
    func importReport() async throws {
        let (storage, directory, cleanup) = try await HaiheBinary.storageArguments()
        defer { Task { await cleanup() } }
        #expect(try HaiheBinary.run(["migrate"] + storage).status == 0)
        let store = try await Store.open(Self.location(storage))
        let entry = try await TestData.publishedEnterpriseEntry(store)
        await store.close()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = directory + "/batch.csv"
        try (TestData.enterpriseCSV(1...50) + "bad-code,坏行,1,2020-01-01,存续\n").write(toFile: file, atomically: true, encoding: .utf8)
        let result = try HaiheBinary.run(["import", entry.entryID, file, "--report", "json"] + storage)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(report["rows_read"] as? Int == 51 && report["rows_accepted"] as? Int == 50 && report["rows_rejected"] as? Int == 1)
        #expect(report["version"] as? Int == 1 && report["status"] as? String == "published")

        try "name,unknown\n".write(toFile: file, atomically: true, encoding: .utf8)
        let refused = try HaiheBinary.run(["import", entry.entryID, file] + storage)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("目录中没有的列") && refused.stderr.contains("does not define"))
        let reopened = try await Store.open(Self.location(storage))
        #expect(try await reopened.datasets.rows(entryID: entry.entryID).total == 50)
        await reopened.close()
    }

    @Test("calendar deadline and load, trace and verify: real files through the binary, with the exit codes scripts rely on")
    func sharingCommands() async throws {
        let (storage, directory, cleanup) = try await HaiheBinary.storageArguments()
        defer { Task { await cleanup() } }
        #expect(try HaiheBinary.run(["migrate"] + storage).status == 0)
        let deadline = try HaiheBinary.run(["calendar", "deadline", "--accepted", "2026-09-30T10:00:00+08:00", "--working-days", "2"] + storage)
        #expect(deadline.status == 0 && deadline.stdout == "2026-10-09T23:59:59+08:00\n", "\(deadline.stderr)")
        let yearEnd = try HaiheBinary.run(["calendar", "deadline", "--accepted", "2026-12-31"] + storage)
        #expect(yearEnd.stdout == "2027-01-04T23:59:59+08:00\n" && yearEnd.stderr.contains("2027"))
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let schedule = directory + "/2027.csv"
        try "date,kind,name\n2027-01-01,holiday,元旦\n".write(toFile: schedule, atomically: true, encoding: .utf8)
        #expect(try HaiheBinary.run(["calendar", "load", schedule] + storage).status == 0)
        #expect(try HaiheBinary.run(["calendar", "deadline", "--accepted", "2026-12-31"] + storage).stdout == "2027-01-05T23:59:59+08:00\n")
        try "date,kind,name\n2027-01-06,workday,周三\n".write(toFile: schedule, atomically: true, encoding: .utf8)
        let refused = try HaiheBinary.run(["calendar", "load", schedule] + storage)
        #expect(refused.status != 0 && refused.stderr.contains("不是周六或周日") && refused.stderr.contains("not a Saturday or Sunday"))

        // A delivery made as the server makes it, with this node's key: the file traces back and its certificate verifies.
        let key = try NodeKey.load(dataDirectory: directory)
        let store = try await Store.open(Self.location(storage))
        let entry = try await TestData.publishedEnterpriseEntry(store)
        let fingerprint = DeliveryFingerprint(nodeKey: key)
        let delivery = ShareDelivery(kind: .download, entryID: entry.entryID, versionID: "v1", recipientOrganizationID: "org-police", recipientUserID: "u1",
                                     grantID: nil, purpose: "核验", query: "limit=100", rowCount: 80, contentSHA256: "", deliveredAt: Date())
        var bits = fingerprint.bits(for: delivery.id)
        var body = "credit_code,name\n"
        for row in 0..<80 { body += DeliveryFingerprint.markedLine([TestData.creditCode(row), "天津第\(row)号企业"], row: row, bits: &bits) + "\n" }
        let file = Array(body.utf8) + Array(try fingerprint.trailer(deliveryID: delivery.id, bodySHA256: SHA256Hex.of(Array(body.utf8))).utf8)
        try await store.sharing.record(delivery, audit: .test)
        let certificate = try Certificate(issuer: key.publicKeyHex, deliveryID: delivery.id, entryID: entry.entryID, resourceCode: entry.resourceCode,
                                          entryTitle: entry.title, versionID: "v1", version: 1, contentSHA256: SHA256Hex.of(file), rowCount: 80,
                                          recipientOrganizationID: "org-police", recipientOrganizationName: "天津市公安局", purpose: "核验", issuedAt: Date()).signed(with: key)
        await store.close()
        let copy = directory + "/found.csv"
        try Data(file).write(to: URL(fileURLWithPath: copy))
        let certificateFile = directory + "/certificate.jws"
        try certificate.write(toFile: certificateFile, atomically: true, encoding: .utf8)

        let traced = try HaiheBinary.run(["trace", copy] + storage)
        #expect(traced.status == 0 && traced.stdout.contains(delivery.id) && traced.stdout.contains("org-police"), "\(traced.stderr)")
        let withoutTrailer = body.split(separator: "\n").prefix(60).joined(separator: "\n") + "\n"
        try withoutTrailer.write(toFile: copy, atomically: true, encoding: .utf8)
        let byMarker = try HaiheBinary.run(["trace", copy] + storage)
        #expect(byMarker.status == 0 && byMarker.stdout.contains(delivery.id) && byMarker.stdout.contains("隐写标记"))
        try "credit_code,name\n1,2\n".write(toFile: copy, atomically: true, encoding: .utf8)
        #expect(try HaiheBinary.run(["trace", copy] + storage).status == 3)

        try Data(file).write(to: URL(fileURLWithPath: copy))
        let verified = try HaiheBinary.run(["verify", certificateFile, copy] + storage)
        #expect(verified.status == 0 && verified.stdout.contains("凭证真实有效"), "\(verified.stderr)")
        var changed = file
        changed[30] ^= 0x01
        try Data(changed).write(to: URL(fileURLWithPath: copy))
        let mismatch = try HaiheBinary.run(["verify", certificateFile, copy] + storage)
        #expect(mismatch.status == 2 && mismatch.stdout.contains("content it certifies"))
        let other = try HaiheBinary.run(["verify", certificate, "--public-key", NodeKey.generate().publicKeyHex] + storage)
        #expect(other.status == 2 && other.stdout.contains("signature does not hold"))
    }

    @Test("kill -9 in the middle of an import loses nothing published and leaves no partial version visible")
    func killedImport() async throws {
        let (storage, directory, cleanup) = try await HaiheBinary.storageArguments()
        defer { Task { await cleanup() } }
        #expect(try HaiheBinary.run(["migrate"] + storage).status == 0)
        var store = try await Store.open(Self.location(storage))
        let entry = try await TestData.publishedEnterpriseEntry(store)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let small = directory + "/small.csv", big = directory + "/big.csv"
        try TestData.enterpriseCSV(1...20).write(toFile: small, atomically: true, encoding: .utf8)
        try TestData.enterpriseCSV(1...400_000).write(toFile: big, atomically: true, encoding: .utf8)
        #expect(try HaiheBinary.run(["import", entry.entryID, small] + storage).status == 0)

        let running = try HaiheBinary.start(["import", entry.entryID, big] + storage)
        // Kill it a moment after its first progress line (the load is under way, some chunks committed): read on a
        // thread of its own, so a busy test machine cannot delay the kill until the import is done.
        let killer = Thread {
            var seen = ""
            while !seen.contains("import:") {
                let data = running.err.fileHandleForReading.availableData
                if data.isEmpty { return }
                seen += String(decoding: data, as: UTF8.self)
            }
            Thread.sleep(forTimeInterval: 1.5)
            kill(running.process.processIdentifier, SIGKILL)
        }
        killer.start()
        running.process.waitUntilExit()
        #expect(running.process.terminationReason == .uncaughtSignal, "the import finished before it could be killed")
        await store.close()

        store = try await Store.open(Self.location(storage))
        let current = try await store.datasets.current(entryID: entry.entryID)
        #expect(current?.version == 1)
        #expect(try await store.datasets.rows(entryID: entry.entryID).total == 20)
        // Once its lease has run out the dead load is dropped; the next import publishes normally.
        try await store.datasets.abandonExpiredLoads(at: Date().addingTimeInterval(3600))
        #expect(try await store.datasets.history(entryID: entry.entryID).filter { $0.status == .loading }.isEmpty)
        await store.close()
        #expect(try HaiheBinary.run(["import", entry.entryID, small] + storage).status == 0)
        store = try await Store.open(Self.location(storage))
        #expect(try await store.datasets.current(entryID: entry.entryID)?.version == 3)
        await store.close()
    }
}
