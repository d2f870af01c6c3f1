import HaiheCore
import HaiheStore
import Hummingbird

/// Public facts about this platform node: what it is and what it holds.
struct PlatformController {
    let store: Store

    struct PlatformInfo: ResponseEncodable {
        let name: String
        let name_zh: String
        let regulation: String
        let database: String
        let schema_version: Int
        let organizations: Int
    }

    func addRoutes(to router: Router<HaiheRequestContext>) {
        router.get("/api/v1/platform") { _, _ -> PlatformInfo in
            let version = try await Migrator(database: store.database).currentVersion()
            return PlatformInfo(name: "Haihe", name_zh: "海河", regulation: "天津市促进大数据发展应用条例",
                                database: store.database.dialect.rawValue, schema_version: version,
                                organizations: try await store.organizations.count())
        }
    }
}
