/// 行政区划代码 (GB/T 2260): six digits — province, prefecture, county. Tianjin's codes are known exactly; elsewhere
/// the province part must exist (the platform serves Tianjin, but registries hold addresses from all over China).
public enum DivisionCode {
    /// Tianjin: the municipality and its sixteen districts (GB/T 2260, current edition).
    public static let tianjin: [String: String] = [
        "120000": "天津市", "120101": "和平区", "120102": "河东区", "120103": "河西区", "120104": "南开区", "120105": "河北区",
        "120106": "红桥区", "120110": "东丽区", "120111": "西青区", "120112": "津南区", "120113": "北辰区", "120114": "武清区",
        "120115": "宝坻区", "120116": "滨海新区", "120117": "宁河区", "120118": "静海区", "120119": "蓟州区",
    ]
    /// Province-level codes (first two digits).
    static let provinces: Set<Int> = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
                                      50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82]
    static let tianjinCodes: Set<Int> = Set(tianjin.keys.compactMap { Int($0) })

    public static func isValid(utf8 b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard b.count == 6, let value = CalendarDate.number(b, 0, 6) else { return false }
        let province = value / 10_000
        if province == 12 { return tianjinCodes.contains(value) }
        return provinces.contains(province)
    }
}
