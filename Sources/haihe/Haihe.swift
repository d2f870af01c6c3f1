import ArgumentParser
import Foundation
import HaiheCore

/// `haihe`: the platform's one binary. Every subcommand works on SQLite (`--data-dir`) or PostgreSQL (`--database-url`).
struct Haihe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "haihe",
        abstract: "海河 Haihe: Tianjin's government data sharing and open-data platform.",
        discussion: "Every option can also be set by an environment variable named in its help (HAIHE_*); a flag wins over the variable.",
        subcommands: [Serve.self, Migrate.self, Import.self, Audit.self, CalendarCommand.self, TraceCommand.self, VerifyCommand.self]
    )
}

/// Prints errors the way the platform promises: one clear line, in Chinese and English, no stack trace.
@main
enum Main {
    static func main() async {
        var command: any ParsableCommand
        do {
            command = try Haihe.parseAsRoot()
        } catch {
            usageFailure(error)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as HaiheError {
            fail(error.message)
        } catch let error as ExitCode {
            exit(error.rawValue)
        } catch {
            // ArgumentParser reports help requests and validation failures by throwing from run().
            if Haihe.exitCode(for: error) != .failure { usageFailure(error) }
            fail(String(describing: error))
        }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("haihe: 错误 error: \(message)\n".utf8))
        exit(1)
    }

    /// Help and version requests print in full; a wrong flag gets one line pointing at --help.
    static func usageFailure(_ error: any Error) -> Never {
        let code = Haihe.exitCode(for: error)
        let message = Haihe.message(for: error)
        if code == .success {
            print(message)
            exit(0)
        }
        let firstLine = message.split(separator: "\n").first.map(String.init) ?? "\(error)"
        FileHandle.standardError.write(Data("haihe: 参数错误 usage error: \(firstLine) (see 'haihe --help')\n".utf8))
        exit(code.rawValue)
    }
}
