/// Every schema step the platform has taken, oldest first. Never edit a released step: add a new one.
public enum Migrations {
    public static let all: [Migration] = [
        Migration(version: 1, name: "organisations and users") { _ in
            [
                """
                CREATE TABLE platform_meta (
                    key TEXT PRIMARY KEY,
                    value TEXT NOT NULL
                )
                """,
                """
                CREATE TABLE organizations (
                    id TEXT PRIMARY KEY,
                    kind TEXT NOT NULL,
                    name_zh TEXT NOT NULL,
                    name_en TEXT,
                    credit_code TEXT NOT NULL UNIQUE,
                    parent_id TEXT REFERENCES organizations(id),
                    division_code TEXT NOT NULL,
                    contact_name TEXT,
                    contact_phone TEXT,
                    contact_email TEXT,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL
                )
                """,
                "CREATE INDEX organizations_parent ON organizations(parent_id)",
                """
                CREATE TABLE users (
                    id TEXT PRIMARY KEY,
                    organization_id TEXT NOT NULL REFERENCES organizations(id),
                    username TEXT NOT NULL UNIQUE,
                    display_name TEXT NOT NULL,
                    email TEXT,
                    mobile TEXT,
                    password_hash TEXT NOT NULL,
                    status TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL
                )
                """,
                "CREATE INDEX users_organization ON users(organization_id)",
                """
                CREATE TABLE user_roles (
                    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    role TEXT NOT NULL,
                    PRIMARY KEY (user_id, role)
                )
                """,
            ]
        },
    ]
}
