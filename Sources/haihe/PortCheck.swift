import Foundation
import HaiheCore
#if canImport(Glibc)
import Glibc
#endif

/// Finds out before start-up whether the listening address can be bound, with the same
/// SO_REUSEADDR the server uses, so that a busy port fails fast with a clear message.
enum PortCheck {
    static func ensureFree(host: String, port: Int) throws {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var info: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &info) == 0, let first = info else {
            throw HaiheError.invalid("host", zh: "无法解析监听地址 \(host)", en: "Cannot resolve the listening address \(host)")
        }
        defer { freeaddrinfo(info) }
        let fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        if bind(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) != 0 {
            throw busy(host: host, port: port, reason: String(cString: strerror(errno)))
        }
    }

    static func busy(host: String, port: Int, reason: String) -> HaiheError {
        HaiheError(.unavailable, code: "port.unavailable",
                   zh: "无法监听 \(host):\(port)（端口已被占用或无权限）", en: "Cannot listen on \(host):\(port): \(reason)")
    }

    /// Turns a bind failure that slipped past the early check (a race) into the same clear message.
    static func explain(_ error: any Error, host: String, port: Int) -> any Error {
        let text = String(describing: error)
        if text.contains("bind(") || text.contains("Address already in use") {
            return busy(host: host, port: port, reason: "address already in use")
        }
        return error
    }
}
