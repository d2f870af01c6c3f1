import ArgumentParser
import Foundation
import HaiheCore
import HaiheStore

/// `haihe audit …`: the audit trail from the command line.
struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify or checkpoint the tamper-evident audit trail.",
        subcommands: [Verify.self, Checkpoint.self])

    /// Walks the hash chain and the signed checkpoints; exits 0 when intact, 2 naming the first bad event otherwise.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check every audit event and checkpoint; exit 0 when intact, 2 when tampered.")

        @Option(name: .customLong("trusted-key"), help: "A node public key (hex) whose checkpoints count; repeat for several. Default: this node's key, when its key file exists.")
        var trustedKeys: [String] = []

        @Flag(name: .customLong("any-key"), help: "Accept checkpoints signed by any key that verifies (for a trail moved between nodes).")
        var anyKey = false

        @OptionGroup var storage: StorageOptions
        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            let logger = try logging.bootstrap()
            let report = try await withMigratedStore(storage, logger: logger) { try await $0.audit.verify(trustedKeys: trusted()) }
            if let problem = report.problem {
                FileHandle.standardError.write(Data("haihe: 审计日志已被篡改 audit trail NOT intact: \(problem)\n".utf8))
                throw ExitCode(2)
            }
            print("审计日志完整 / audit trail intact: \(report.eventsChecked) events, \(report.checkpointsChecked) signed checkpoints verified")
        }

        func trusted() -> Set<String>? {
            if anyKey { return nil }
            if !trustedKeys.isEmpty { return Set(trustedKeys.map { $0.lowercased() }) }
            let path = URL(fileURLWithPath: storage.resolvedDataDirectory).appendingPathComponent(NodeKey.fileName).path
            guard FileManager.default.fileExists(atPath: path) || ProcessInfo.processInfo.environment["HAIHE_NODE_KEY"] != nil,
                  let key = try? NodeKey.load(dataDirectory: storage.resolvedDataDirectory) else { return nil }
            return [key.publicKeyHex]
        }
    }

    /// Signs the current chain head now, as the hourly job does.
    struct Checkpoint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Sign the current head of the audit chain with this node's key.")

        @OptionGroup var storage: StorageOptions
        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            let logger = try logging.bootstrap()
            let (checkpoint, key) = try await withMigratedStore(storage, logger: logger) { store in
                let key = try NodeKey.load(dataDirectory: storage.resolvedDataDirectory)
                return (try await store.audit.checkpoint(key: key), key)
            }
            if let checkpoint {
                print("已签署检查点 / checkpoint signed at event #\(checkpoint.sequence), head \(checkpoint.headHash.prefix(16))…, key \(key.publicKeyHex.prefix(16))…")
            } else {
                print("无需签署 / nothing to sign: the chain is empty or its head is already signed by this key")
            }
        }
    }
}
