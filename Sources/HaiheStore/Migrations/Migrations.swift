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
                    credit_code TEXT UNIQUE,
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
        Migration(version: 2, name: "authentication and the audit trail") { _ in
            [
                """
                CREATE TABLE sessions (
                    token_hash TEXT PRIMARY KEY,
                    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    csrf_token TEXT NOT NULL,
                    client_address TEXT,
                    created_at TEXT NOT NULL,
                    expires_at TEXT NOT NULL
                )
                """,
                "CREATE INDEX sessions_user ON sessions(user_id)",
                """
                CREATE TABLE api_keys (
                    id TEXT PRIMARY KEY,
                    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    token_hash TEXT NOT NULL UNIQUE,
                    prefix TEXT NOT NULL,
                    scopes TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    expires_at TEXT,
                    revoked_at TEXT,
                    last_used_at TEXT
                )
                """,
                "CREATE INDEX api_keys_user ON api_keys(user_id)",
                """
                CREATE TABLE login_failures (
                    username TEXT PRIMARY KEY,
                    failures BIGINT NOT NULL,
                    first_failure_at TEXT NOT NULL,
                    locked_until TEXT
                )
                """,
                """
                CREATE TABLE audit_events (
                    sequence BIGINT PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    occurred_at TEXT NOT NULL,
                    actor_user_id TEXT,
                    actor_username TEXT,
                    actor_organization_id TEXT,
                    action TEXT NOT NULL,
                    object_type TEXT NOT NULL,
                    object_id TEXT,
                    outcome TEXT NOT NULL,
                    client_address TEXT,
                    request_id TEXT,
                    detail TEXT NOT NULL,
                    previous_hash TEXT NOT NULL,
                    hash TEXT NOT NULL
                )
                """,
                "CREATE INDEX audit_events_actor ON audit_events(actor_user_id, sequence)",
                "CREATE INDEX audit_events_organization ON audit_events(actor_organization_id, sequence)",
                "CREATE INDEX audit_events_object ON audit_events(object_id, sequence)",
                "CREATE INDEX audit_events_action ON audit_events(action, sequence)",
                "CREATE INDEX audit_events_time ON audit_events(occurred_at)",
                // The chain head: one row every appender locks, so concurrent instances append in turn.
                """
                CREATE TABLE audit_head (
                    id BIGINT PRIMARY KEY,
                    sequence BIGINT NOT NULL,
                    hash TEXT NOT NULL
                )
                """,
                "INSERT INTO audit_head (id, sequence, hash) VALUES (1, 0, '\(String(repeating: "0", count: 64))')",
                """
                CREATE TABLE audit_checkpoints (
                    sequence BIGINT NOT NULL,
                    head_hash TEXT NOT NULL,
                    signed_at TEXT NOT NULL,
                    public_key TEXT NOT NULL,
                    signature TEXT NOT NULL,
                    PRIMARY KEY (sequence, public_key)
                )
                """,
            ]
        },
        Migration(version: 3, name: "catalog entries and legal-basis filings") { _ in
            [
                """
                CREATE TABLE catalog_entries (
                    id TEXT PRIMARY KEY,
                    entry_id TEXT NOT NULL,
                    version BIGINT NOT NULL,
                    status TEXT NOT NULL,
                    provider_id TEXT NOT NULL REFERENCES organizations(id),
                    resource_code TEXT NOT NULL,
                    title TEXT NOT NULL,
                    domain TEXT NOT NULL,
                    resource_type TEXT NOT NULL,
                    share_type TEXT NOT NULL,
                    open_type TEXT NOT NULL,
                    update_frequency TEXT NOT NULL,
                    security_grade TEXT NOT NULL,
                    formats TEXT NOT NULL,
                    search_text TEXT NOT NULL,
                    document TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    published_at TEXT,
                    data_updated_at TEXT,
                    UNIQUE (entry_id, version)
                )
                """,
                "CREATE INDEX catalog_entries_status ON catalog_entries(status, domain)",
                "CREATE INDEX catalog_entries_published ON catalog_entries(status, published_at, id)",
                // Covers every facet and filter column, so counts and facets never touch the wide rows (the JSON document).
                "CREATE INDEX catalog_entries_facets ON catalog_entries(status, share_type, open_type, domain, provider_id, update_frequency, formats)",
                "CREATE INDEX catalog_entries_provider ON catalog_entries(provider_id, status)",
                "CREATE INDEX catalog_entries_code ON catalog_entries(resource_code)",
                """
                CREATE TABLE legal_basis_filings (
                    id TEXT PRIMARY KEY,
                    entry_id TEXT NOT NULL,
                    entry_version_id TEXT NOT NULL REFERENCES catalog_entries(id),
                    provider_id TEXT NOT NULL REFERENCES organizations(id),
                    share_type TEXT NOT NULL,
                    open_type TEXT NOT NULL,
                    law_name TEXT NOT NULL,
                    article TEXT NOT NULL,
                    note TEXT,
                    filed_at TEXT NOT NULL
                )
                """,
                "CREATE INDEX legal_basis_filings_time ON legal_basis_filings(filed_at)",
            ]
        },
        Migration(version: 4, name: "rectification orders") { _ in
            [
                """
                CREATE TABLE rectification_orders (
                    id TEXT PRIMARY KEY,
                    organization_id TEXT NOT NULL REFERENCES organizations(id),
                    entry_id TEXT,
                    kind TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    deadline TEXT NOT NULL,
                    status TEXT NOT NULL,
                    issued_by TEXT NOT NULL,
                    issued_at TEXT NOT NULL,
                    response TEXT,
                    responded_at TEXT
                )
                """,
                "CREATE INDEX rectification_orders_organization ON rectification_orders(organization_id, status)",
            ]
        },
        Migration(version: 5, name: "catalog change sequence for the in-memory catalog index") { _ in
            [
                // Rows from before this migration keep 0, which the index's first load (everything above -1) reads.
                "CREATE TABLE catalog_sequence (id INTEGER PRIMARY KEY, value BIGINT NOT NULL)",
                "INSERT INTO catalog_sequence (id, value) VALUES (1, 0)",
                "ALTER TABLE catalog_entries ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0",
                "ALTER TABLE catalog_entries ADD COLUMN keywords TEXT",
                "CREATE INDEX catalog_entries_change ON catalog_entries(change_seq)",
                // City-catalog facets are counted by the index now; the working list filters by provider or status.
                "DROP INDEX catalog_entries_facets",
            ]
        },
        Migration(version: 6, name: "datasets: versions, quarantine") { _ in
            [
                // One row per catalog entry that has data: the version in force and the entry's rejection policy.
                """
                CREATE TABLE datasets (
                    entry_id TEXT PRIMARY KEY,
                    current_version_id TEXT,
                    policy TEXT NOT NULL,
                    updated_at TEXT NOT NULL
                )
                """,
                // Every batch is a version with a table of its own (ds_…); only the published one is read.
                """
                CREATE TABLE dataset_versions (
                    id TEXT PRIMARY KEY,
                    entry_id TEXT NOT NULL REFERENCES datasets(entry_id),
                    version BIGINT NOT NULL,
                    catalog_version_id TEXT NOT NULL,
                    table_name TEXT NOT NULL,
                    table_present BIGINT NOT NULL,
                    status TEXT NOT NULL,
                    source TEXT NOT NULL,
                    rows_read BIGINT NOT NULL,
                    rows_accepted BIGINT NOT NULL,
                    rows_rejected BIGINT NOT NULL,
                    report TEXT,
                    created_by TEXT,
                    created_at TEXT NOT NULL,
                    lease_until TEXT,
                    published_at TEXT,
                    restored_from TEXT,
                    batch_id TEXT,
                    UNIQUE (entry_id, version)
                )
                """,
                "CREATE INDEX dataset_versions_status ON dataset_versions(status, lease_until)",
                // A push batch is applied once: its id is unique per entry (abandoned loads give theirs back).
                "CREATE UNIQUE INDEX dataset_versions_batch ON dataset_versions(entry_id, batch_id)",
                """
                CREATE TABLE dataset_quarantine (
                    version_id TEXT NOT NULL REFERENCES dataset_versions(id),
                    row_number BIGINT NOT NULL,
                    original TEXT NOT NULL,
                    problems TEXT NOT NULL,
                    PRIMARY KEY (version_id, row_number)
                )
                """,
            ]
        },
        Migration(version: 7, name: "scheduled pulls") { _ in
            [
                """
                CREATE TABLE data_sources (
                    id TEXT PRIMARY KEY,
                    entry_id TEXT NOT NULL,
                    url TEXT NOT NULL,
                    format TEXT,
                    interval_minutes BIGINT NOT NULL,
                    enabled BIGINT NOT NULL,
                    next_run_at TEXT NOT NULL,
                    created_by TEXT,
                    created_at TEXT NOT NULL
                )
                """,
                "CREATE INDEX data_sources_due ON data_sources(enabled, next_run_at)",
                """
                CREATE TABLE data_source_runs (
                    id TEXT PRIMARY KEY,
                    source_id TEXT NOT NULL REFERENCES data_sources(id),
                    started_at TEXT NOT NULL,
                    finished_at TEXT,
                    status TEXT NOT NULL,
                    version_id TEXT,
                    rows_read BIGINT,
                    message TEXT
                )
                """,
                "CREATE INDEX data_source_runs_source ON data_source_runs(source_id, started_at)",
            ]
        },
        Migration(version: 8, name: "pulls from a department's PostgreSQL query") { _ in
            [
                "ALTER TABLE data_sources ADD COLUMN kind TEXT NOT NULL DEFAULT 'http'",
                "ALTER TABLE data_sources ADD COLUMN query TEXT",
                // The connection string, sealed with a key derived from the node key (never stored in clear).
                "ALTER TABLE data_sources ADD COLUMN sealed_connection TEXT",
            ]
        },
        Migration(version: 9, name: "working-day calendar and data sharing") { _ in
            [
                "CREATE TABLE calendar_years (year BIGINT PRIMARY KEY, source TEXT NOT NULL, loaded_at TEXT NOT NULL, loaded_by TEXT)",
                """
                CREATE TABLE calendar_days (
                    year BIGINT NOT NULL REFERENCES calendar_years(year),
                    day TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    name TEXT NOT NULL,
                    PRIMARY KEY (year, day)
                )
                """,
                """
                CREATE TABLE share_requests (
                    id TEXT PRIMARY KEY,
                    entry_id TEXT NOT NULL,
                    resource_code TEXT NOT NULL,
                    entry_title TEXT NOT NULL,
                    provider_id TEXT NOT NULL,
                    consumer_id TEXT NOT NULL,
                    requested_by TEXT NOT NULL,
                    fields TEXT NOT NULL,
                    purpose TEXT NOT NULL,
                    duty TEXT NOT NULL,
                    legal_basis TEXT NOT NULL,
                    period_start TEXT NOT NULL,
                    period_end TEXT NOT NULL,
                    status TEXT NOT NULL,
                    accepted_at TEXT NOT NULL,
                    deadline TEXT NOT NULL,
                    answered_at TEXT,
                    refusal_reason TEXT,
                    refusal_basis TEXT,
                    decision TEXT,
                    decided_at TEXT,
                    escalated_at TEXT,
                    grant_id TEXT
                )
                """,
                "CREATE INDEX share_requests_provider ON share_requests(provider_id, status, deadline)",
                "CREATE INDEX share_requests_consumer ON share_requests(consumer_id, accepted_at)",
                "CREATE INDEX share_requests_status ON share_requests(status, deadline)",
                """
                CREATE TABLE share_request_events (
                    id TEXT PRIMARY KEY,
                    request_id TEXT NOT NULL REFERENCES share_requests(id),
                    kind TEXT NOT NULL,
                    at TEXT NOT NULL,
                    actor_user_id TEXT,
                    actor_organization_id TEXT,
                    text TEXT,
                    detail TEXT NOT NULL
                )
                """,
                "CREATE INDEX share_request_events_request ON share_request_events(request_id, at)",
                """
                CREATE TABLE share_grants (
                    id TEXT PRIMARY KEY,
                    request_id TEXT,
                    entry_id TEXT NOT NULL,
                    consumer_id TEXT NOT NULL,
                    provider_id TEXT NOT NULL,
                    fields TEXT NOT NULL,
                    purpose TEXT NOT NULL,
                    starts_at TEXT NOT NULL,
                    ends_at TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    revoked_at TEXT,
                    revoked_by TEXT,
                    revocation_reason TEXT
                )
                """,
                "CREATE INDEX share_grants_consumer ON share_grants(consumer_id, entry_id)",
                """
                CREATE TABLE share_deliveries (
                    id TEXT PRIMARY KEY,
                    kind TEXT NOT NULL,
                    entry_id TEXT NOT NULL,
                    version_id TEXT NOT NULL,
                    recipient_organization_id TEXT NOT NULL,
                    recipient_user_id TEXT NOT NULL,
                    grant_id TEXT,
                    purpose TEXT,
                    query TEXT NOT NULL,
                    row_count BIGINT NOT NULL,
                    content_sha256 TEXT NOT NULL,
                    delivered_at TEXT NOT NULL,
                    certificate TEXT
                )
                """,
                "CREATE INDEX share_deliveries_entry ON share_deliveries(entry_id, delivered_at)",
                "CREATE INDEX share_deliveries_recipient ON share_deliveries(recipient_organization_id, delivered_at)",
                "CREATE INDEX share_deliveries_hash ON share_deliveries(content_sha256)",
            ] + CalendarStore.shippedScheduleStatements()
        },
        Migration(version: 10, name: "open data: dataset profiles, conditional open applications") { _ in
            [
                // Computed once per published version (it never changes): counts, ranges, top values, histograms.
                "CREATE TABLE dataset_profiles (version_id TEXT PRIMARY KEY, profile TEXT NOT NULL, computed_at TEXT NOT NULL)",
                """
                CREATE TABLE open_applications (
                    id TEXT PRIMARY KEY,
                    entry_id TEXT NOT NULL,
                    resource_code TEXT NOT NULL,
                    entry_title TEXT NOT NULL,
                    provider_id TEXT NOT NULL,
                    applicant_user_id TEXT NOT NULL,
                    applicant_name TEXT NOT NULL,
                    identity TEXT NOT NULL,
                    purpose TEXT NOT NULL,
                    intended_use TEXT NOT NULL,
                    status TEXT NOT NULL,
                    accepted_at TEXT NOT NULL,
                    deadline TEXT NOT NULL,
                    answered_at TEXT,
                    terms TEXT,
                    access_until TEXT,
                    refusal_reason TEXT,
                    refusal_basis TEXT
                )
                """,
                "CREATE INDEX open_applications_applicant ON open_applications(applicant_user_id, entry_id)",
                "CREATE INDEX open_applications_provider ON open_applications(provider_id, status, deadline)",
            ]
        },
        Migration(version: 11, name: "interaction: data requests, error reports, comments and ratings; the use showcase; stored facet counts") { _ in
            [
                """
                CREATE TABLE open_feedback (
                    id TEXT PRIMARY KEY,
                    kind TEXT NOT NULL,
                    entry_id TEXT,
                    resource_code TEXT,
                    entry_title TEXT,
                    provider_id TEXT,
                    author_user_id TEXT NOT NULL,
                    author_name TEXT NOT NULL,
                    title TEXT NOT NULL,
                    body TEXT NOT NULL,
                    field TEXT,
                    rating INTEGER,
                    status TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    deadline TEXT NOT NULL,
                    resolution TEXT,
                    answer TEXT,
                    answered_by TEXT,
                    answered_by_org TEXT,
                    answered_at TEXT
                )
                """,
                "CREATE INDEX open_feedback_entry ON open_feedback(entry_id, created_at)",
                "CREATE INDEX open_feedback_provider ON open_feedback(provider_id, status, deadline)",
                "CREATE INDEX open_feedback_author ON open_feedback(author_user_id, created_at)",
                // One rating per person and dataset: a second rated comment is refused, so an average cannot be stuffed.
                "CREATE UNIQUE INDEX open_feedback_one_rating ON open_feedback(entry_id, author_user_id) WHERE rating IS NOT NULL",
                """
                CREATE TABLE use_cases (
                    id TEXT PRIMARY KEY,
                    kind TEXT NOT NULL,
                    title TEXT NOT NULL,
                    description TEXT NOT NULL,
                    url TEXT NOT NULL,
                    submitter_user_id TEXT NOT NULL,
                    submitter_name TEXT NOT NULL,
                    byline TEXT,
                    status TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    review_note TEXT,
                    reviewed_by TEXT,
                    reviewed_at TEXT
                )
                """,
                "CREATE INDEX use_cases_status ON use_cases(status, created_at)",
                "CREATE TABLE use_case_datasets (use_case_id TEXT NOT NULL, entry_id TEXT NOT NULL, PRIMARY KEY (use_case_id, entry_id))",
                "CREATE INDEX use_case_datasets_entry ON use_case_datasets(entry_id)",
                // Facet counts over a whole published version (it never changes), computed once like its profile.
                "CREATE TABLE dataset_facets (version_id TEXT NOT NULL, field TEXT NOT NULL, value_limit INTEGER NOT NULL, counts TEXT NOT NULL, PRIMARY KEY (version_id, field, value_limit))",
            ]
        },
        Migration(version: 12, name: "one pending open-data application per person and dataset") { _ in
            [
                // Earlier duplicates (possible before this rule) are withdrawn, keeping each person's first.
                """
                UPDATE open_applications SET status = 'withdrawn' WHERE status = 'pending' AND EXISTS (
                    SELECT 1 FROM open_applications earlier WHERE earlier.status = 'pending' AND earlier.entry_id = open_applications.entry_id
                        AND earlier.applicant_user_id = open_applications.applicant_user_id
                        AND (earlier.accepted_at < open_applications.accepted_at
                             OR (earlier.accepted_at = open_applications.accepted_at AND earlier.id < open_applications.id)))
                """,
                "CREATE UNIQUE INDEX open_applications_one_pending ON open_applications(entry_id, applicant_user_id) WHERE status = 'pending'",
            ]
        },
    ]
}
