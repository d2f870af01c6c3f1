import Foundation
import HaiheCore
import HaiheStore
import Synchronization

/// What the public data API keeps in memory. A published version never changes, so an answer computed for it stays
/// right until another version is published: answers are kept by version (bounded in bytes, oldest dropped first).
/// Which version is in force for an unconditionally open dataset (and whether it is still open at all) is re-read
/// after any write this instance commits, and at least every half second, so a change made through this instance is
/// seen by the next request and one made through another instance on the same database within half a second.
final class OpenDataCache: Sendable {
    struct Resolved: Sendable {
        var readable: OpenDataAPI.Readable
        var checkedAt: Date
        /// The database's commit count when the reading began.
        var commits: Int
    }

    struct Answer: Sendable {
        var body: [UInt8]
        var etag: String
    }

    struct State {
        var resolved: [String: Resolved] = [:]
        var answers: [String: Answer] = [:]
        /// The question exactly as a client wrote it (path, version and raw query string) → its canonical key, so a
        /// repeated request is answered without parsing it again.
        var spellings: [String: String] = [:]
        var order: [String] = []
        var bytes = 0
    }

    static let revalidateAfter: TimeInterval = 0.5
    let budget: Int
    private let state = Mutex(State())

    init(budget: Int = 64 << 20) {
        self.budget = budget
    }

    /// The readable dataset for a reference, if it was resolved less than half a second ago and nothing was committed
    /// on this instance since the resolving began.
    func resolved(_ reference: String, at now: Date, commits: Int) -> OpenDataAPI.Readable? {
        state.withLock { state in
            guard let entry = state.resolved[reference], entry.commits == commits,
                  now.timeIntervalSince(entry.checkedAt) < Self.revalidateAfter else { return nil }
            return entry.readable
        }
    }

    /// `commits` is the count read before resolving: a write committed while resolving makes the entry stale at once.
    func remember(_ reference: String, _ readable: OpenDataAPI.Readable, at now: Date, commits: Int) {
        state.withLock { state in
            if state.resolved.count > 10_000 { state.resolved.removeAll() }
            state.resolved[reference] = Resolved(readable: readable, checkedAt: now, commits: commits)
        }
    }

    func answer(_ key: String) -> Answer? {
        state.withLock { $0.answers[key] }
    }

    /// The answer for a question spelled exactly as before.
    func answer(spelled spelling: String) -> Answer? {
        state.withLock { state in state.spellings[spelling].flatMap { state.answers[$0] } }
    }

    /// Remembers how a client spelled the question whose canonical key is `key`.
    /// Spellings are bounded apart from the answers' budget: at most 20,000 of up to 512 bytes (about 10 MB).
    func remember(spelling: String, for key: String) {
        guard budget > 0, spelling.utf8.count <= 512 else { return }
        state.withLock { state in
            guard state.answers[key] != nil else { return }
            if state.spellings.count >= 20_000 { state.spellings.removeAll() }
            state.spellings[spelling] = key
        }
    }

    func store(_ key: String, _ answer: Answer) {
        guard answer.body.count <= budget / 16 else { return }
        state.withLock { state in
            if state.answers[key] == nil { state.order.append(key) }
            state.bytes += answer.body.count - (state.answers[key]?.body.count ?? 0)
            state.answers[key] = answer
            while state.bytes > budget, !state.order.isEmpty {
                let oldest = state.order.removeFirst()
                state.bytes -= state.answers.removeValue(forKey: oldest)?.body.count ?? 0
            }
        }
    }
}
