/// A fixed set of connections lent out one caller at a time; callers beyond the set wait their turn.
actor ConnectionPool<Connection: Sendable> {
    private var idle: [Connection]
    private var waiters: [CheckedContinuation<Connection, any Error>] = []
    private var closed = false
    let size: Int
    /// Called on a connection returned after the pool was closed.
    private let discard: @Sendable (Connection) -> Void

    init(_ connections: [Connection], discard: @escaping @Sendable (Connection) -> Void) {
        self.idle = connections
        self.size = connections.count
        self.discard = discard
    }

    func acquire() async throws -> Connection {
        if closed { throw StoreError.connection("the database is closed") }
        if let connection = idle.popLast() { return connection }
        return try await withCheckedThrowingContinuation { waiters.append($0) }
    }

    func release(_ connection: Connection) {
        if closed {
            discard(connection)
        } else if waiters.isEmpty {
            idle.append(connection)
        } else {
            waiters.removeFirst().resume(returning: connection)
        }
    }

    func statistics() -> PoolStatistics {
        PoolStatistics(connections: size, inUse: size - idle.count, waiting: waiters.count)
    }

    /// Closes the pool: idle connections are discarded now, lent ones when they come back,
    /// and every later (or waiting) caller gets an error instead of waiting forever.
    func close() {
        closed = true
        for connection in idle { discard(connection) }
        idle.removeAll()
        for waiter in waiters { waiter.resume(throwing: StoreError.connection("the database is closed")) }
        waiters.removeAll()
    }

    /// Lends a connection to `body`, which runs in the caller's own context, not on the pool's actor.
    nonisolated func with<R: Sendable>(_ body: (Connection) async throws -> R) async throws -> R {
        let connection = try await acquire()
        do {
            let result = try await body(connection)
            await release(connection)
            return result
        } catch {
            await release(connection)
            throw error
        }
    }
}
