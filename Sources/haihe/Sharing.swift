import ArgumentParser
import Crypto
import Foundation
import HaiheCore
import HaiheStore

/// The bytes of a file named on the command line, or one clear bilingual line.
func readFile(_ path: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw HaiheError.invalid("cli.file", zh: "无法读取文件 \(path)", en: "Cannot read the file \(path)")
    }
    return [UInt8](data)
}

/// `haihe calendar …`: the working-day calendar every deadline is counted on.
struct CalendarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: "Load a year's holiday schedule, or compute a deadline in working days.",
        subcommands: [Load.self, Deadline.self])

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Load (or replace) holiday schedules from a JSON or CSV file (date,kind,name).")

        @Argument(help: "The schedule file: JSON ({\"year\", \"source\", \"days\" | \"holidays\"}) or CSV with the header date,kind,name[,year,source].")
        var file: String

        @OptionGroup var storage: StorageOptions
        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            let logger = try logging.bootstrap()
            let schedules = try ScheduleFile.parse(try readFile(file))
            try await withMigratedStore(storage, logger: logger) { store in
                try await store.calendar.load(schedules, audit: AuditDraft(actor: nil, action: Action.calendarManage.rawValue, objectType: "calendar",
                                                                           detail: ["file": file, "via": "cli"]))
            }
            for schedule in schedules {
                let holidays = schedule.days.filter { $0.kind == .holiday }.count
                print("已载入 loaded \(schedule.year): \(holidays) 个放假日 holidays, \(schedule.days.count - holidays) 个调休上班日 make-up working days")
            }
        }
    }

    struct Deadline: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the deadline N working days after acceptance (ISO 8601, Asia/Shanghai).",
            discussion: "The day of acceptance is not counted; the period ends at 23:59:59 Beijing time on the N-th working day after it.")

        @Option(help: "When the application was accepted: 2026-09-30T10:00:00+08:00, 2026-09-30 10:00 (Beijing) or 2026-09-30.")
        var accepted: String

        @Option(name: .customLong("working-days"), help: "Working days allowed (Art. 17 and 23: 2).")
        var workingDays: Int = SharingStore.answerWorkingDays

        @Flag(name: .customLong("shipped"), help: "Use only the schedules shipped with Haihe, without opening a database.")
        var shipped = false

        @OptionGroup var storage: StorageOptions
        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            guard let instant = WorkingCalendar.parseInstant(accepted) else {
                throw HaiheError.invalid("calendar.accepted", zh: "无法识别受理时间“\(accepted)”", en: "Cannot read the acceptance time '\(accepted)'")
            }
            guard (0...366).contains(workingDays) else {
                throw HaiheError.invalid("calendar.working_days", zh: "工作日数应在 0 到 366 之间", en: "Working days must be between 0 and 366")
            }
            let calendar: WorkingCalendar
            if shipped {
                calendar = WorkingCalendar(schedules: ScheduleFile.shipped())
            } else {
                let logger = try logging.bootstrap()
                calendar = try await withMigratedStore(storage, logger: logger) { try await $0.calendar.calendar() }
            }
            let deadline = calendar.deadline(accepted: instant, workingDays: workingDays)
            print(WorkingCalendar.beijingText(deadline))
            let missing = calendar.unscheduledYears(from: CivilDay(instant: instant), to: CivilDay(instant: deadline))
            if !missing.isEmpty {
                FileHandle.standardError.write(Data("haihe: 注意 \(missing.map(String.init).joined(separator: "、")) 年尚未载入节假日安排，仅按周末计算 / no holiday schedule loaded for \(missing.map(String.init).joined(separator: ", ")); weekends only\n".utf8))
            }
        }
    }
}

/// `haihe trace FILE`: names the delivery a copy of shared data came from (Art. 18).
struct TraceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "trace", abstract: "Name the delivery (recipient, grant, time) a CSV file of shared data came from.")

    @Argument(help: "The file found outside.")
    var file: String

    @OptionGroup var storage: StorageOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = try logging.bootstrap()
        let data = try readFile(file)
        let key = try NodeKey.load(dataDirectory: storage.resolvedDataDirectory)
        let trace = try await withMigratedStore(storage, logger: logger) { store in
            let trace = try await store.sharing.trace(data, fingerprint: DeliveryFingerprint(nodeKey: key), entryIDs: nil)
            try await store.audit.record(AuditDraft(actor: nil, action: Action.sharingTrace.rawValue, objectType: "delivery", objectID: trace.delivery?.id,
                                                    detail: ["method": trace.method, "via": "cli"]))
            return trace
        }
        print("\(trace.messageZH) / \(trace.messageEN)")
        guard let delivery = trace.delivery else { throw ExitCode(3) }
        print("""
        交付 delivery:   \(delivery.id) (\(delivery.kind.rawValue))
        接收单位 recipient: \(delivery.recipientOrganizationID)  用户 user: \(delivery.recipientUserID)
        目录 entry:      \(delivery.entryID)  版本 version: \(delivery.versionID)
        授权 grant:      \(delivery.grantID ?? "—（无条件共享 unconditional）")  用途 purpose: \(delivery.purpose ?? "—")
        查询 query:      \(delivery.query)
        行数 rows:       \(delivery.rowCount)  时间 at: \(WorkingCalendar.beijingText(delivery.deliveredAt))
        """)
    }
}

/// `haihe verify CERT [FILE]`: checks a certificate's signature and, given the file, its content (Art. 19, 21).
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify", abstract: "Check a certificate (a JWS, or a file holding one) and optionally the file it certifies; exit 0 when valid.")

    @Argument(help: "The certificate: the compact JWS itself, or the path of a file holding it.")
    var certificate: String

    @Argument(help: "The delivered file, to check that it is the content certified.")
    var file: String?

    @Option(name: .customLong("public-key"), help: "The issuing node's Ed25519 public key (hex); default: this node's key.")
    var publicKey: String?

    @OptionGroup var storage: StorageOptions

    func run() async throws {
        let token = FileManager.default.fileExists(atPath: certificate)
            ? String(decoding: FileManager.default.contents(atPath: certificate) ?? Data(), as: UTF8.self) : certificate
        let key: Curve25519.Signing.PublicKey
        if let publicKey {
            guard let raw = Data(hex: publicKey), let parsed = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else {
                throw HaiheError.invalid("verify.public_key", zh: "公钥应为 64 位十六进制", en: "The public key must be 64 hex digits")
            }
            key = parsed
        } else {
            key = try NodeKey.load(dataDirectory: storage.resolvedDataDirectory).privateKey.publicKey
        }
        var hash: String?
        if let file {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: file))
            defer { try? handle.close() }
            var sha = SHA256()
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { sha.update(data: chunk) }
            hash = sha.finalize().hexString
        }
        let result = Certificate.verify(token, publicKey: key, contentSHA256: hash)
        print("\(result.messageZH) / \(result.messageEN)")
        if let c = result.certificate {
            print("交付 delivery \(c.deliveryID) · 目录 \(c.resourceCode) 第\(c.version)版 · 接收单位 \(c.recipientOrganizationName) · \(c.rowCount) 行 rows · sha256 \(c.contentSHA256) · \(WorkingCalendar.beijingText(c.issuedAt))")
        }
        if !result.isValid { throw ExitCode(2) }
    }
}
