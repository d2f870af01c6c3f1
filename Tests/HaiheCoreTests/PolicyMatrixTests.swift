import Foundation
import Testing
@testable import HaiheCore

/// Holds the policy to the table in docs/POLICY.md: every role × every action × own or other organisation.
@Suite("Access policy matrix")
struct PolicyMatrixTests {
    struct Table {
        var columns: [String]
        var cells: [String: [String: String]]  // action → column → cell
    }

    static func table() throws -> Table {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/POLICY.md"), encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        let header = try #require(lines.firstIndex { $0.hasPrefix("| action |") })
        let columns = lines[header].split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        var cells: [String: [String: String]] = [:]
        for line in lines[(header + 2)...] {
            guard line.hasPrefix("|") else { break }
            let values = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            cells[values[0]] = Dictionary(uniqueKeysWithValues: zip(columns.dropFirst(), values.dropFirst()))
        }
        return Table(columns: Array(columns.dropFirst()), cells: cells)
    }

    @Test("the table names every action and every role, and nothing else")
    func complete() throws {
        let table = try Self.table()
        #expect(Set(table.cells.keys) == Set(Action.allCases.map(\.rawValue)))
        #expect(Set(table.columns) == Set(Role.allCases.map(\.rawValue) + ["anonymous"]))
    }

    @Test("every cell of the table is what the policy decides", arguments: Action.allCases)
    func matrix(action: Action) throws {
        let table = try Self.table()
        let row = try #require(table.cells[action.rawValue])
        let ownOrg = "org-own", otherOrg = "org-other"
        for column in table.columns {
            let cell = try #require(row[column])
            let subject: Subject? = Role(rawValue: column).map {
                Subject(userID: "user-self", username: "someone", organizationID: ownOrg, roles: [$0])
            }
            let own = AccessPolicy.decide(subject, action, on: PolicyObject(organizationID: ownOrg, userID: "user-self")).isAllowed
            let otherInOrg = AccessPolicy.decide(subject, action, on: PolicyObject(organizationID: ownOrg, userID: "user-colleague")).isAllowed
            let other = AccessPolicy.decide(subject, action, on: PolicyObject(organizationID: otherOrg, userID: "user-stranger")).isAllowed
            let expected: (Bool, Bool, Bool) = switch cell {
            case "any": (true, true, true)
            case "own org": (true, true, false)
            case "own account": (true, false, false)
            case "—": (false, false, false)
            default: (false, false, false)
            }
            #expect(["any", "own org", "own account", "—"].contains(cell), "unknown cell '\(cell)' for \(action.rawValue) × \(column)")
            #expect(own == expected.0, "\(action.rawValue) × \(column) on own account")
            #expect(otherInOrg == expected.1, "\(action.rawValue) × \(column) on a colleague in the own organisation")
            #expect(other == expected.2, "\(action.rawValue) × \(column) on another organisation")
        }
    }

    @Test("a read-only API key cannot change anything its owner could")
    func scopes() {
        let admin = Subject(userID: "u", username: "admin", organizationID: "o", roles: [.admin], scopes: [.read])
        #expect(AccessPolicy.decide(admin, .userList).isAllowed)
        guard case .deny(let error) = AccessPolicy.decide(admin, .userCreate) else { Issue.record("read-only key created a user"); return }
        #expect(error.code == "auth.scope")
        #expect(error.kind == .forbidden)
        var writer = admin
        writer.scopes = [.write]
        #expect(AccessPolicy.decide(writer, .userCreate).isAllowed)
        #expect(!AccessPolicy.decide(writer, .userList).isAllowed)
    }

    @Test("anonymous callers get 401, signed-in callers without the right get 403, both with both languages")
    func refusals() {
        guard case .deny(let anonymous) = AccessPolicy.decide(nil, .userList) else { Issue.record("anonymous allowed"); return }
        #expect(anonymous.kind == .unauthenticated)
        let consumer = Subject(userID: "u", username: "c", organizationID: "o", roles: [.consumer])
        guard case .deny(let forbidden) = AccessPolicy.decide(consumer, .auditRead) else { Issue.record("consumer read audit"); return }
        #expect(forbidden.kind == .forbidden)
        #expect(forbidden.messageZH.contains("audit.read"))
        #expect(forbidden.messageEN.contains("audit.read"))
    }
}

@Suite("Separation of duties in account management")
struct RoleChangeTests {
    let admin = Subject(userID: "u-admin", username: "admin", organizationID: "o", roles: [.admin])
    let regulator = Subject(userID: "u-reg", username: "regulator", organizationID: "o", roles: [.regulator])

    @Test("nobody changes their own roles or status; only a regulator grants oversight roles")
    func rules() {
        #expect(AccessPolicy.checkRoleChange(by: admin, target: "u-admin", from: [.admin], to: [.admin, .auditor], statusChanged: false)?.code == "auth.self_grant")
        #expect(AccessPolicy.checkRoleChange(by: admin, target: "u-admin", from: [.admin], to: [.admin], statusChanged: true)?.code == "auth.self_grant")
        #expect(AccessPolicy.checkRoleChange(by: admin, target: "u-x", from: [.provider], to: [.regulator], statusChanged: false)?.code == "auth.grant_oversight")
        #expect(AccessPolicy.checkRoleChange(by: admin, target: "u-x", from: [.provider], to: [.provider, .consumer], statusChanged: false) == nil)
        #expect(AccessPolicy.checkRoleChange(by: regulator, target: "u-x", from: [], to: [.auditor], statusChanged: false) == nil)
        #expect(AccessPolicy.checkRoleChange(by: admin, target: "u-x", from: [.auditor], to: [.auditor], statusChanged: true) == nil)
    }
}
