import Foundation
import HaiheCore
import HaiheStore
import HaiheTestSupport
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
@testable import HaiheServer

/// Runs `body` against the real application built by the composition root, on a fresh store.
func withApp(_ body: @escaping @Sendable (any TestClientProtocol, Store) async throws -> Void) async throws {
    try await TestDatabase.withStore { (store: Store, _: String) async throws in
        let app = buildApplication(store: store, settings: ServerSettings(port: 0), nodeKey: NodeKey.generate(), logger: Logger(label: "test"))
        try await app.test(.router) { client in try await body(client, store) }
    }
}

@Suite("Health, readiness, metrics and errors over HTTP")
struct HTTPTests {
    @Test("healthz and readyz answer 200 while the database answers")
    func health() async throws {
        try await withApp { client, _ in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "ready\n")
            }
        }
    }

    @Test("readyz answers 503 once the database is gone, while healthz still answers")
    func notReady() async throws {
        try await withApp { client, store in
            await store.database.close()
            try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .serviceUnavailable) }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test("metrics count requests per route and status and report the database pool")
    func metrics() async throws {
        try await withApp { client, _ in
            try await client.execute(uri: "/healthz", method: .get) { _ in }
            try await client.execute(uri: "/healthz", method: .get) { _ in }
            try await client.execute(uri: "/no/such/page", method: .get) { _ in }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                #expect(text.contains(#"haihe_http_requests_total{route="/healthz",method="GET",status="200"} 2"#))
                #expect(text.contains(#"status="404"} 1"#))
                #expect(text.contains("haihe_http_request_duration_seconds_bucket"))
                #expect(text.contains("haihe_db_pool_connections"))
            }
        }
    }

    @Test("an unknown path gets the bilingual JSON error shape and a request id")
    func notFound() async throws {
        try await withApp { client, _ in
            try await client.execute(uri: "/api/v1/nothing-here", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.requestID] != nil)
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                let error = try #require(body?["error"] as? [String: Any])
                #expect(error["code"] as? String == "route.not_found")
                #expect((error["message_zh"] as? String)?.isEmpty == false)
                #expect((error["message_en"] as? String)?.isEmpty == false)
            }
        }
    }

    @Test("a client's request id is echoed back for tracing")
    func requestID() async throws {
        try await withApp { client, _ in
            try await client.execute(uri: "/healthz", method: .get, headers: [.requestID: "trace-123"]) { response in
                #expect(response.headers[.requestID] == "trace-123")
            }
        }
    }

    @Test("the platform endpoint says which database and schema version serve it")
    func platform() async throws {
        try await withApp { client, store in
            try await client.execute(uri: "/api/v1/platform", method: .get) { response in
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(body?["database"] as? String == store.database.dialect.rawValue)
                #expect(body?["schema_version"] as? Int == Migrations.all.last!.version)
            }
        }
    }
}

@Suite("The demo city")
struct DemoCityTests {
    @Test("loads once, with every role, valid codes, and a credentials file that signs in")
    func loadsOnce() async throws {
        try await TestDatabase.withStore { (store: Store, directory: String) async throws in
            let credentials = try #require(try await DemoCity.load(into: store, credentialsDirectory: directory))
            let organizations = try await store.organizations.list()
            #expect(organizations.filter { $0.kind == .regulator }.count >= 1)
            #expect(organizations.filter { $0.kind == .cityDepartment }.count >= 8)
            #expect(organizations.filter { $0.kind == .districtGovernment }.count == 2)
            #expect(organizations.filter { $0.kind == .districtDepartment }.allSatisfy { $0.parentID != nil })
            #expect(organizations.contains { $0.kind == .socialDataContributor })
            #expect(organizations.allSatisfy { UnifiedSocialCreditCode.isValid($0.creditCode ?? "") })

            let roles = Set(credentials.flatMap { $0.role.split(separator: ",").compactMap { Role(rawValue: String($0)) } })
            #expect(roles == Set(Role.allCases))

            let file = URL(fileURLWithPath: directory).appendingPathComponent(DemoCity.credentialsFileName)
            let written = try JSONDecoder().decode([DemoCity.Credential].self, from: Data(contentsOf: file))
            #expect(written == credentials)
            let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
            let first = try #require(written.first)
            let stored = try #require(try await store.users.credentials(username: first.username))
            #expect(PasswordHashing.verify(first.password, hash: stored.passwordHash))

            let usersBefore = try await store.users.count()
            #expect(try await DemoCity.load(into: store, credentialsDirectory: directory) == nil)
            #expect(try await store.users.count() == usersBefore)
        }
    }

    @Test("a demo that cannot write its credentials file is not committed")
    func atomicWithCredentials() async throws {
        try await TestDatabase.withStore { (store: Store, directory: String) async throws in
            let blocker = directory + "-blocker"
            _ = FileManager.default.createFile(atPath: blocker, contents: Data("x".utf8))
            defer { try? FileManager.default.removeItem(atPath: blocker) }
            await #expect(throws: (any Error).self) {
                _ = try await DemoCity.load(into: store, credentialsDirectory: blocker + "/inside")
            }
            #expect(try await store.organizations.count() == 0)
            #expect(try await store.meta.value(DemoCity.loadedKey) == nil)
        }
    }
}

@Suite("The OpenAPI document")
struct OpenAPITests {
    @Test("every documented operation exists on the server")
    func documentedOperationsExist() async throws {
        try await withApp { client, _ in
            let document = try await client.execute(uri: "/openapi.json", method: .get) { response -> [String: Any] in
                #expect(response.status == .ok)
                return (try JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
            }
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            #expect(paths.count >= 30)
            for (path, operations) in paths {
                let concrete = path.replacingOccurrences(of: "{catalog}", with: "government").replacingOccurrences(of: "{id}", with: "no-such-id")
                    .replacingOccurrences(of: "{entry}", with: "no-such-entry").replacingOccurrences(of: "{version}", with: "1")
                for method in operations.keys {
                    let httpMethod = HTTPRequest.Method(rawValue: method.uppercased())!
                    try await client.execute(uri: concrete, method: httpMethod, body: ByteBuffer(string: "{}")) { response in
                        let error = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])?["error"] as? [String: Any]
                        #expect(error?["code"] as? String != "route.not_found", "\(method.uppercased()) \(path) is documented but not served")
                    }
                }
            }
        }
    }
}
