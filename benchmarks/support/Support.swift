// What the benchmarks share (the reproducible generator lives in HaiheCore as `SeededGenerator`).

/// The value after `--name` on the command line, if any.
public func option(_ name: String) -> String? {
    guard let i = CommandLine.arguments.firstIndex(of: name), i + 1 < CommandLine.arguments.count else { return nil }
    return CommandLine.arguments[i + 1]
}
