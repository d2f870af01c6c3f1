import Foundation
import HaiheCore
import HaiheStore
import Hummingbird

/// The OpenAPI 3.1 description of the JSON API, served at `/openapi.json`. Written as data next to the routes;
/// a test calls every documented operation to prove each one exists, and `scripts/test` validates the document.
enum OpenAPIDocument {
    typealias J = [String: Any]

    static func ref(_ name: String) -> J { ["$ref": "#/components/schemas/\(name)"] }
    static func array(_ item: J) -> J { ["type": "array", "items": item] }
    static func string(_ description: String? = nil, format: String? = nil, values: [String]? = nil) -> J {
        var s: J = ["type": "string"]
        if let description { s["description"] = description }
        if let format { s["format"] = format }
        if let values { s["enum"] = values }
        return s
    }
    static func object(_ properties: J, required: [String] = []) -> J {
        var o: J = ["type": "object", "properties": properties]
        if !required.isEmpty { o["required"] = required }
        return o
    }

    static var integer: J { ["type": "integer"] }
    static var boolean: J { ["type": "boolean"] }

    static func query(_ name: String, _ description: String, schema: J = ["type": "string"]) -> J {
        ["name": name, "in": "query", "required": false, "description": description, "schema": schema]
    }
    static var idParameter: J { ["name": "id", "in": "path", "required": true, "schema": ["type": "string"]] }

    static func json(_ schema: J, _ description: String = "OK") -> J {
        ["description": description, "content": ["application/json": ["schema": schema]]]
    }

    static var errors: J { [
        "400": json(ref("Error"), "Invalid input (bilingual message)"),
        "401": json(ref("Error"), "Not signed in"),
        "403": json(ref("Error"), "Not allowed by the access policy"),
        "404": json(ref("Error"), "Not found"),
        "409": json(ref("Error"), "Conflict with the current state"),
        "429": json(ref("Error"), "Rate limited; see Retry-After"),
    ] }

    static func operation(_ summary: String, tag: String, parameters: [J] = [], body: J? = nil, response: J, status: String = "200",
                          secured: Bool = true) -> J {
        var responses = errors
        responses[status] = response
        var op: J = ["summary": summary, "tags": [tag], "responses": responses]
        if !parameters.isEmpty { op["parameters"] = parameters }
        if let body { op["requestBody"] = ["required": true, "content": ["application/json": ["schema": body]]] }
        op["security"] = secured ? [["bearer": []], ["session": []]] : []
        return op
    }

    static var catalogFilters: [J] { [
        query("q", "Text search over title, summary, keywords, field labels and provider, Chinese or English"),
        query("provider_id", "Providing organisation"), query("division", "GB/T 2260 division code of the provider"),
        query("domain", "Domain", schema: string(values: ["credit", "transport", "medical", "employment", "social_security", "education", "environment", "meteorology", "enterprise_registration", "public_security", "urban_planning", "energy", "culture", "agriculture", "other"])),
        query("share_type", "Share type", schema: string(values: ["unconditional", "conditional", "not_shared"])),
        query("open_type", "Open type", schema: string(values: ["unconditional", "conditional", "not_open"])),
        query("format", "File format, e.g. CSV"), query("update_frequency", "Update frequency"), query("keyword", "An exact keyword"),
        query("sort", "Order: published, modified, created, title or code; a leading - for descending (default -published)",
              schema: string(values: CatalogSort.Key.allCases.flatMap { [$0.rawValue, "-" + $0.rawValue] })),
        query("limit", "Page size (1–500, default 20)", schema: integer), query("offset", "Offset", schema: integer),
    ] }

    static var document: J {
        let entryBody = object([
            "resource_code": string("类/项/目/细目 and sequence, e.g. 201005-00012"), "title": string(), "title_en": string(), "summary": string(),
            "resource_type": string(values: ["basic", "thematic", "departmental"]), "domain": string(), "subject": string(),
            "keywords": array(string()), "formats": array(string()), "fields": array(ref("FieldInput")),
            "update_frequency": string(values: ["real_time", "daily", "weekly", "monthly", "quarterly", "yearly", "irregular"]),
            "update_deadline_days": integer, "share_type": string(values: ["unconditional", "conditional", "not_shared"]), "share_conditions": string(),
            "share_methods": array(string(values: ["api", "file_download", "database_sync"])), "open_type": string(values: ["unconditional", "conditional", "not_open"]),
            "open_conditions": string(), "open_methods": array(string(values: ["api", "file_download", "database_sync"])), "usage_requirements": string(),
            "security_grade": string(values: ["public", "internal", "sensitive", "restricted"]), "contact": ref("Contact"), "legal_basis": ref("LegalBasis"),
            "related_resource_codes": array(string()),
        ], required: ["resource_code", "title", "summary", "domain", "fields", "update_frequency", "share_type", "open_type"])

        let paths: J = [
            "/api/v1/platform": ["get": operation("What this node is", tag: "platform", response: json(ref("Platform")), secured: false)],
            "/api/v1/auth/token": ["post": operation("Sign in for a 12-hour bearer token", tag: "identity",
                                                     body: object(["username": string(), "password": string()], required: ["username", "password"]),
                                                     response: json(object(["token": string(), "expires_at": string(format: "date-time")])), status: "201", secured: false)],
            "/api/v1/auth/register": ["post": operation("Register as a member of the public", tag: "identity",
                                                        body: object(["username": string(), "password": string(), "display_name": string(), "email": string(), "mobile": string()],
                                                                     required: ["username", "password", "display_name"]),
                                                        response: json(ref("User")), status: "201", secured: false)],
            "/api/v1/me": ["get": operation("The caller", tag: "identity", response: json(object(["user": ref("User"), "organization": ref("Organization"), "authenticated_with": string()])))],
            "/api/v1/me/password": ["post": operation("Change one's password", tag: "identity",
                                                      body: object(["current_password": string(), "new_password": string()], required: ["current_password", "new_password"]),
                                                      response: ["description": "Changed"], status: "204")],
            "/api/v1/me/api-keys": [
                "get": operation("One's API keys", tag: "identity", response: json(object(["items": array(ref("APIKey")), "total": integer]))),
                "post": operation("Create an API key (the token is shown once)", tag: "identity",
                                  body: object(["name": string(), "scopes": array(string(values: ["read", "write"])), "expires_at": string(format: "date-time")], required: ["name"]),
                                  response: json(object(["token": string(), "key": ref("APIKey"), "notice": string()])), status: "201"),
            ],
            "/api/v1/me/api-keys/{id}": ["delete": operation("Revoke an API key", tag: "identity", parameters: [idParameter], response: ["description": "Revoked"], status: "204")],
            "/api/v1/organizations": [
                "get": operation("Organisations", tag: "identity", response: json(object(["items": array(ref("Organization")), "total": integer]))),
                "post": operation("Add an organisation", tag: "identity", body: ref("OrganizationInput"), response: json(ref("Organization")), status: "201"),
            ],
            "/api/v1/organizations/{id}": [
                "get": operation("One organisation", tag: "identity", parameters: [idParameter], response: json(ref("Organization"))),
                "put": operation("Change an organisation", tag: "identity", parameters: [idParameter], body: ref("OrganizationInput"), response: json(ref("Organization"))),
            ],
            "/api/v1/users": [
                "get": operation("Users", tag: "identity", parameters: [query("organization_id", "Only this organisation's users")],
                                 response: json(object(["items": array(ref("User")), "total": integer]))),
                "post": operation("Add a user", tag: "identity",
                                  body: object(["organization_id": string(), "username": string(), "display_name": string(), "email": string(), "mobile": string(),
                                                "roles": array(ref("Role")), "password": string()], required: ["organization_id", "username", "display_name", "roles", "password"]),
                                  response: json(ref("User")), status: "201"),
            ],
            "/api/v1/users/{id}": ["patch": operation("Change a user's name, contacts, roles or status", tag: "identity", parameters: [idParameter],
                                                      body: object(["display_name": string(), "email": string(), "mobile": string(), "roles": array(ref("Role")),
                                                                    "status": string(values: ["active", "disabled"])]), response: json(ref("User")))],
            "/api/v1/audit/events": ["get": operation("Search the audit trail", tag: "audit", parameters: [
                query("actor", "User id or username"), query("organization_id", "Actor's organisation"), query("object_id", "Object"),
                query("action", "Exact action, or a prefix ending in '.'"), query("outcome", "success, denied or failed"),
                query("from", "ISO 8601"), query("to", "ISO 8601"), query("limit", "1–1000", schema: integer), query("offset", "Offset", schema: integer),
            ], response: json(object(["items": array(ref("AuditEvent")), "total": integer, "limit": integer, "offset": integer])))],
            "/api/v1/audit/events.csv": ["get": operation("The audit trail as CSV", tag: "audit", parameters: [query("action", "Filters as for /api/v1/audit/events")],
                                                          response: ["description": "CSV", "content": ["text/csv": ["schema": string()]]])],
            "/api/v1/audit/checkpoints": [
                "get": operation("Signed checkpoints", tag: "audit", response: json(object(["items": array(ref("AuditCheckpoint")), "node_public_key": string()]))),
                "post": operation("Sign the chain head now", tag: "audit", response: json(ref("AuditCheckpoint")), status: "201"),
            ],
            "/api/v1/catalogs/{catalog}": ["get": operation("Browse a city catalog (government, sharing or open); append .csv for CSV", tag: "catalog",
                                                            parameters: [["name": "catalog", "in": "path", "required": true, "schema": string(values: ["government", "sharing", "open", "government.csv", "sharing.csv", "open.csv"])]] + catalogFilters,
                                                            response: json(ref("CatalogListing")))],
            "/api/v1/catalog/entries": [
                "get": operation("The working list of catalog versions", tag: "catalog", parameters: catalogFilters + [query("status", "Comma-separated statuses")],
                                 response: json(ref("CatalogListing"))),
                "post": operation("Write a new entry (a draft)", tag: "catalog", body: entryBody, response: json(ref("WrittenEntry")), status: "201"),
            ],
            "/api/v1/catalog/entries/{id}": [
                "get": operation("One version", tag: "catalog", parameters: [idParameter], response: json(ref("CatalogEntry"))),
                "put": operation("Rewrite a draft or returned version", tag: "catalog", parameters: [idParameter], body: entryBody, response: json(ref("WrittenEntry"))),
            ],
            "/api/v1/catalog/entries/{id}/history": ["get": operation("Every version of the entry", tag: "catalog", parameters: [idParameter],
                                                                      response: json(object(["items": array(ref("CatalogEntry"))])))],
            "/api/v1/catalog/review-queue": ["get": operation("Submitted versions with their changes", tag: "catalog",
                                                              response: json(array(object(["entry": ref("CatalogEntry"), "previous": ref("CatalogEntry"), "changes": array(string())]))))],
            "/api/v1/catalog/filings": ["get": operation("Legal-basis filings (备案)", tag: "catalog", response: json(object(["items": array(ref("LegalBasisFiling"))])))],
            "/api/v1/catalog/duplicate-check": ["post": operation("Which fields other departments already publish (Art. 19)", tag: "catalog",
                                                                  body: object(["fields": array(ref("FieldInput"))], required: ["fields"]),
                                                                  response: json(object(["duplicate_warnings": array(ref("DuplicateWarning"))])))],
            "/api/v1/catalog/overdue": ["get": operation("Late data and organisations without a catalog (Art. 52)", tag: "oversight",
                                                         response: json(object(["entries": array(object(["entry": ref("CatalogEntry"), "days_late": integer])),
                                                                                "organizations_without_catalog": array(ref("Organization"))])))],
            "/api/v1/rectification-orders": [
                "get": operation("Rectification orders (a department sees its own)", tag: "oversight",
                                 response: json(object(["items": array(object(["order": ref("RectificationOrder"), "overdue": boolean])), "open": integer, "overdue": integer]))),
                "post": operation("Order a correction by a deadline (责令限期改正)", tag: "oversight",
                                  body: object(["organization_id": string(), "entry_id": string(), "kind": string(values: ["overdue_data", "missing_catalog", "other"]),
                                                "reason": string(), "deadline": string(format: "date-time")], required: ["organization_id", "reason", "deadline"]),
                                  response: json(object(["order": ref("RectificationOrder"), "overdue": boolean])), status: "201"),
            ],
        ]
        var all = paths
        for transition in ["submit", "confirm", "return", "publish", "retire", "revise"] {
            all["/api/v1/catalog/entries/{id}/\(transition)"] = ["post": operation("Lifecycle: \(transition)", tag: "catalog", parameters: [idParameter],
                                                                                  response: json(ref("CatalogEntry")), status: transition == "revise" ? "201" : "200")]
        }
        // Connecting data: batches, versions, quarantine, policy.
        let entryParameter: J = ["name": "entry", "in": "path", "required": true, "description": "Catalog entry id or resource code", "schema": ["type": "string"]]
        let versionParameter: J = ["name": "version", "in": "path", "required": true, "description": "Data version id or number", "schema": ["type": "string"]]
        let report = object(["rows_read": integer, "rows_accepted": integer, "rows_rejected": integer, "by_rule": ["type": "object"],
                             "by_field": ["type": "object"], "examples": array(["type": "object"]), "encoding": string(), "delimiter": string()])
        let version = object(["id": string(), "entry_id": string(), "version": integer, "status": string(values: ["loading", "published", "superseded", "rejected", "abandoned"]),
                              "source": string(), "rows_read": integer, "rows_accepted": integer, "rows_rejected": integer, "created_at": string(format: "date-time"),
                              "published_at": string(format: "date-time"), "restored_from": string(), "restorable": boolean])
        var upload = operation("Upload a batch (CSV, JSON or Excel .xlsx body; UTF-8 or GB18030); bad rows go to quarantine", tag: "data",
                               parameters: [entryParameter, query("format", "csv, json or xlsx (default from Content-Type or filename)"),
                                            query("filename", "The file's name, to tell its format"), query("sheet", "Excel: the sheet to read (default the first)"),
                                            query("encoding", "utf-8 or gb18030 (detected when absent)"), query("delimiter", "CSV delimiter (sniffed when absent)")],
                               response: json(object(["version": version, "report": report])), status: "201")
        upload["requestBody"] = ["required": true, "content": ["text/csv": ["schema": string()], "application/json": ["schema": ["type": "array"]],
                                                               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ["schema": string(format: "binary")]]]
        var responses = upload["responses"] as! J
        responses["422"] = json(object(["version": version, "report": report]), "Refused by the entry's reject-batch policy; the quarantine is kept")
        upload["responses"] = responses
        all["/api/v1/data/{entry}/batches"] = ["post": upload]
        all["/api/v1/data/{entry}/push"] = ["post": operation("Push rows by unique key (upsert) and deletes; idempotent by batch_id", tag: "data",
            parameters: [entryParameter],
            body: object(["batch_id": string(), "upsert": array(["type": "object"]), "delete": array(["type": "object"])], required: ["batch_id"]),
            response: json(object(["version": version, "report": report, "replayed": boolean])), status: "201")]
        let source = object(["id": string(), "entry_id": string(), "kind": string(values: ["http", "postgres"]), "url": string(), "query": string(), "format": string(), "interval_minutes": integer, "enabled": boolean,
                             "next_run_at": string(format: "date-time"), "created_by": string(), "created_at": string(format: "date-time")])
        let run = object(["id": string(), "source_id": string(), "started_at": string(format: "date-time"), "finished_at": string(format: "date-time"),
                          "status": string(values: ["running", "published", "rejected", "failed"]), "version_id": string(), "rows_read": integer, "message": string()])
        all["/api/v1/data/{entry}/sources"] = [
            "get": operation("Scheduled pull sources with their latest runs", tag: "data", parameters: [entryParameter],
                             response: json(object(["items": array(object(["source": source, "runs": array(run)]))]))),
            "post": operation("Register a source pulled every interval_minutes (default 1440): an http(s) URL, or a PostgreSQL query whose connection string is stored sealed",
                              tag: "data", parameters: [entryParameter],
                              body: object(["kind": string(values: ["http", "postgres"]), "url": string(), "format": string(values: ["csv", "json", "xlsx"]),
                                            "connection": string("postgres://user:password@host:port/database (kind postgres)"),
                                            "query": string("SELECT … whose columns are the entry's fields (kind postgres)"), "interval_minutes": integer]),
                              response: json(source), status: "201"),
        ]
        all["/api/v1/data/{entry}/sources/{id}"] = ["delete": operation("Stop pulling a source", tag: "data", parameters: [entryParameter, idParameter],
                                                                        response: ["description": "Stopped"], status: "204")]
        all["/api/v1/data/{entry}/sources/{id}/run"] = ["post": operation("Pull now", tag: "data", parameters: [entryParameter, idParameter], response: json(run))]
        all["/api/v1/data/{entry}/versions"] = ["get": operation("Every data version of the entry, newest first", tag: "data", parameters: [entryParameter],
                                                                 response: json(object(["entry_id": string(), "policy": string(), "items": array(version)])))]
        all["/api/v1/data/{entry}/versions/{version}/report"] = ["get": operation("The quality report of a batch", tag: "data",
                                                                                  parameters: [entryParameter, versionParameter], response: json(report))]
        all["/api/v1/data/{entry}/versions/{version}/quarantine.csv"] = ["get": operation("The rejected rows with their reasons, as CSV", tag: "data",
            parameters: [entryParameter, versionParameter], response: ["description": "CSV", "content": ["text/csv": ["schema": string()]]])]
        all["/api/v1/data/{entry}/versions/{version}/restore"] = ["post": operation("Publish an earlier version's rows again, as a new version", tag: "data",
            parameters: [entryParameter, versionParameter], response: json(version), status: "201")]
        let policy = object(["policy": string(values: ["quarantine", "reject_batch"])], required: ["policy"])
        all["/api/v1/data/{entry}/policy"] = [
            "get": operation("What happens to a batch with bad rows", tag: "data", parameters: [entryParameter], response: json(policy)),
            "put": operation("Set it: publish the good rows (quarantine) or refuse the batch (reject_batch)", tag: "data", parameters: [entryParameter],
                             body: policy, response: json(policy)),
        ]
        all["/api/v1/data/{entry}/rows"] = ["get": operation("The rows in force (the provider's preview)", tag: "data",
            parameters: [entryParameter, query("limit", "1–1000", schema: integer), query("offset", "Offset", schema: integer)],
            response: json(object(["columns": array(string()), "rows": array(["type": "array"]), "total": integer, "version": integer])))]

        // Sharing (Art. 15–19) and the working-day calendar.
        let dataQuery: [J] = [entryParameter, query("field", "Any field name as the parameter (?district=和平区): equals; with a suffix field__ne, __gt, __gte, __lt, __lte, __in (comma-separated), __contains, __prefix"),
                              query("select", "Fields to return, comma-separated (within the grant)"), query("sort", "Fields, comma-separated; - for descending"),
                              query("limit", "1–1000 (default 100)", schema: integer), query("offset", "0–1,000,000", schema: integer)]
        all["/api/v1/sharing/entries"] = ["get": operation("The sharing catalog as the caller's department sees it: access now (own, unconditional, grant) or apply", tag: "sharing",
            parameters: [query("q", "Text search"), query("limit", "1–100", schema: integer), query("offset", "Offset", schema: integer)],
            response: json(object(["items": array(object(["entry_id": string(), "resource_code": string(), "title": string(), "provider_id": string(),
                                                          "share_type": string(values: ["unconditional", "conditional", "not_shared"]),
                                                          "access": string(values: ["own", "unconditional", "grant", "apply"]), "fields": array(string()),
                                                          "grant_ends_at": string(format: "date-time")])), "total": integer])))]
        all["/api/v1/sharing/entries/{entry}/rows"] = ["get": operation("Shared rows: filter, select, sort, page; only fields the caller may receive; recorded as a delivery (Haihe-Delivery header)",
            tag: "sharing", parameters: dataQuery,
            response: json(object(["entry_id": string(), "resource_code": string(), "title": string(), "version": integer, "version_id": string(),
                                   "access": string(values: ["own", "unconditional", "grant"]), "fields": array(string()), "rows": array(["type": "object"]),
                                   "total": integer, "limit": integer, "offset": integer, "delivery_id": string()])))]
        all["/api/v1/sharing/entries/{entry}/rows.csv"] = ["get": operation("The whole (filtered) version as CSV, streamed, fingerprinted for its recipient, with a signed trailer line",
            tag: "sharing", parameters: dataQuery, response: ["description": "CSV", "content": ["text/csv": ["schema": string()]]])]
        let requestView = object(["request": ref("ShareRequest"), "overdue": boolean, "working_days_left": integer, "events": array(ref("ShareRequestEvent"))])
        all["/api/v1/sharing/requests"] = [
            "get": operation("Share requests: inbox (to the caller's organisation, by deadline), outbox, all or escalated (oversight)", tag: "sharing",
                             parameters: [query("box", "inbox, outbox, all or escalated", schema: string(values: ["inbox", "outbox", "all", "escalated"])),
                                          query("status", "Only this status")],
                             response: json(object(["items": array(requestView)]))),
            "post": operation("Apply for a conditional entry (Art. 17); a complete application is accepted at once and due in two working days", tag: "sharing",
                              body: object(["entry": string("Entry id or resource code"), "fields": array(string()), "purpose": string(), "duty": string(),
                                            "legal_basis": string(), "period_start": string("YYYY-MM-DD or ISO 8601"), "period_end": string("YYYY-MM-DD or ISO 8601")],
                                           required: ["entry", "purpose", "duty", "legal_basis"]),
                              response: json(requestView), status: "201"),
        ]
        all["/api/v1/sharing/requests/{id}"] = ["get": operation("A request with its timeline", tag: "sharing", parameters: [idParameter], response: json(requestView))]
        let textBody = object(["text": string()], required: ["text"])
        let steps: [(String, String, J, String)] = [
            ("approve", "The provider approves, optionally narrowing fields or shortening the period; a grant is made",
             object(["fields": array(string()), "period_end": string()]), "200"),
            ("refuse", "The provider refuses with a reason and a basis (law or rule)", object(["reason": string(), "basis": string()], required: ["reason", "basis"]), "200"),
            ("dispute", "The consumer disputes a refusal; negotiation begins", textBody, "200"),
            ("withdraw", "The consumer withdraws the request", object([:]), "200"),
            ("messages", "A message on the request (negotiation)", textBody, "201"),
            ("arbitration", "Either side asks the regulator to decide", textBody, "200"),
            ("decision", "The regulator's final decision: share, share_partly (with fields) or refuse",
             object(["decision": string(values: ["share", "share_partly", "refuse"]), "fields": array(string()), "reason": string()], required: ["decision", "reason"]), "200"),
        ]
        for (step, summary, body, status) in steps {
            all["/api/v1/sharing/requests/{id}/\(step)"] = ["post": operation(summary, tag: "sharing", parameters: [idParameter], body: body, response: json(requestView), status: status)]
        }
        all["/api/v1/sharing/grants"] = ["get": operation("Grants the caller's organisation holds (side=consumer), gave (provider), or all (oversight)", tag: "sharing",
            parameters: [query("side", "consumer, provider or all", schema: string(values: ["consumer", "provider", "all"]))],
            response: json(object(["items": array(ref("ShareGrant"))])))]
        all["/api/v1/sharing/grants/{id}/revoke"] = ["post": operation("The regulator revokes a grant; access ends at once", tag: "sharing", parameters: [idParameter],
                                                                       body: textBody, response: json(ref("ShareGrant")))]
        all["/api/v1/sharing/deliveries"] = ["get": operation("Deliveries received (side=consumer), of the caller's entries (provider), or all (oversight)", tag: "sharing",
            parameters: [query("side", "consumer, provider or all", schema: string(values: ["consumer", "provider", "all"]))],
            response: json(object(["items": array(ref("ShareDelivery"))])))]
        all["/api/v1/sharing/deliveries/{id}/certificate"] = ["get": operation("The signed certificate (compact JWS, EdDSA) of a delivery", tag: "sharing",
            parameters: [idParameter], response: json(object(["delivery_id": string(), "certificate": string(), "public_key": string()])))]
        var trace = operation("Name the delivery a file found outside came from (trailer, exact copy, or marker); the body is the file", tag: "sharing",
                              response: json(object(["method": string(values: ["trailer", "content_hash", "marker", "none"]), "delivery": ref("ShareDelivery"),
                                                     "trailer_intact": boolean, "agreement": ["type": "number"], "observed_bits": integer,
                                                     "message_zh": string(), "message_en": string()])))
        trace["requestBody"] = ["required": true, "content": ["text/csv": ["schema": string()]]]
        all["/api/v1/sharing/trace"] = ["post": trace]
        all["/api/v1/sharing/response-records"] = ["get": operation("How each provider answered: on time, late, overdue, refused (evaluation, Art. 52)", tag: "sharing",
            response: json(object(["items": array(object(["provider_id": string(), "received": integer, "answered": integer, "answered_on_time": integer,
                                                          "answered_late": integer, "overdue_open": integer, "refused": integer]))])))]
        all["/api/v1/calendar"] = ["get": operation("Holiday schedules loaded, and the years still missing", tag: "calendar",
            response: json(object(["years": array(object(["year": integer, "source": string(), "loaded_at": string(format: "date-time"), "loaded_by": string(),
                                                          "holidays": integer, "workdays": integer])), "missing_years": array(integer),
                                   "warning_zh": string(), "warning_en": string()])), secured: false)]
        all["/api/v1/calendar/deadline"] = ["get": operation("The deadline N working days after acceptance (the day itself not counted; 23:59:59 Beijing)", tag: "calendar",
            parameters: [query("accepted", "Date or ISO 8601 time (default now)"), query("working_days", "0–366 (default 2)", schema: integer)],
            response: json(object(["accepted": string(), "working_days": integer, "deadline": string(), "deadline_utc": string(format: "date-time"),
                                   "unscheduled_years": array(integer)])), secured: false)]
        var schedules = operation("Load or replace years' holiday schedules (JSON or CSV date,kind,name); all or nothing", tag: "calendar",
                                  response: json(object(["years": array(integer)])))
        schedules["requestBody"] = ["required": true, "content": ["application/json": ["schema": ["type": "object"]], "text/csv": ["schema": string()]]]
        all["/api/v1/calendar/schedules"] = ["post": schedules]
        all["/api/v1/certificates/public-key"] = ["get": operation("The node's Ed25519 public key, hex and JWK", tag: "certificates",
            response: json(object(["algorithm": string(), "public_key": string(), "jwk": ["type": "object"]])), secured: false)]
        all["/api/v1/verify"] = ["post": operation("Check a certificate and optionally the content it certifies (its SHA-256 or the content in base64)", tag: "certificates",
            body: object(["certificate": string(), "sha256": string(), "content_base64": string()], required: ["certificate"]),
            response: json(object(["outcome": string(values: ["valid", "content_mismatch", "bad_signature", "malformed"]), "certificate": ["type": "object"],
                                   "content_sha256": string(), "message_zh": string(), "message_en": string()])), secured: false)]

        // Open data (Art. 20–25): public, anonymous for unconditionally open data.
        let datasetParameter: J = ["name": "id", "in": "path", "required": true, "description": "Dataset (entry) id or resource code", "schema": ["type": "string"]]
        let rowQuery: [J] = [datasetParameter, query("field", "Any field name as the parameter (?district=和平区); suffixes __ne, __gt, __gte, __lt, __lte, __in, __contains, __prefix"),
                             query("select", "Fields, comma-separated"), query("sort", "Fields, comma-separated; - for descending"),
                             query("limit", "1–1000 (default 100)", schema: integer), query("offset", "0–1,000,000", schema: integer),
                             query("cursor", "The next value of the previous page: keyset paging, as fast on page 1,000 as on page 1"),
                             query("include_total", "false to skip counting", schema: boolean),
                             query("q", "Text anywhere in the dataset's text fields (at most 200 characters)")]
        let nullable: J = ["type": ["string", "null"]]
        let datasetSummary = object(["id": string(), "resource_code": string(), "title": string(), "title_en": nullable, "summary": string(), "provider_id": string(),
                                     "domain": string(), "keywords": array(string()), "formats": array(string()), "update_frequency": string(),
                                     "open_type": string(values: ["unconditional", "conditional"]), "open_conditions": nullable, "licence": string(),
                                     "published_at": nullable, "data_updated_at": nullable])
        all["/api/v1/datasets"] = ["get": operation("Search the open catalog: text, facets (domain, provider, format, frequency, open type), sort, paging", tag: "open data",
            parameters: catalogFilters, response: json(object(["items": array(datasetSummary), "total": integer, "facets": ["type": "object"]])), secured: false)]
        all["/api/v1/datasets/{id}"] = ["get": operation("A dataset: metadata, field schema (interpretation), versions, and whether the caller may read it", tag: "open data",
            parameters: [datasetParameter], response: json(["type": "object"]), secured: false)]
        all["/api/v1/datasets/{id}/rows"] = ["get": operation("Rows: filter, select, sort, limit, keyset cursor; ETag and 304", tag: "open data", parameters: rowQuery,
            response: json(object(["dataset": string(), "version": integer, "fields": array(string()), "rows": array(["type": "object"]), "total": integer,
                                   "limit": integer, "next": ["type": ["string", "null"]]])), secured: false)]
        all["/api/v1/datasets/{id}/facets"] = ["get": operation("Counts per value of one field (the row filters apply), most frequent first", tag: "open data",
            parameters: [datasetParameter, ["name": "field", "in": "query", "required": true, "schema": ["type": "string"]]] + Array(rowQuery.dropFirst(2)),
            response: json(object(["dataset": string(), "version": integer, "field": string(), "values": array(object(["value": [:], "count": integer]))])), secured: false)]
        all["/api/v1/datasets/{id}/profile"] = ["get": operation("The version's profile: rows; per field nulls, distinct values, range, top values, histogram, rows per month",
            tag: "open data", parameters: [datasetParameter], response: json(["type": "object"]), secured: false)]
        for format in ["csv", "json", "xml"] {
            let media = format == "csv" ? "text/csv" : format == "json" ? "application/json" : "application/xml"
            all["/api/v1/datasets/{id}/download.\(format)"] = ["get": operation("The whole dataset (filters apply) as \(format.uppercased()), streamed in constant memory",
                tag: "open data", parameters: rowQuery, response: ["description": format.uppercased(), "content": [media: ["schema": format == "json" ? ["type": "array"] : string()]]],
                secured: false)]
        }
        all["/api/v1/datasets/{id}/datapackage.json"] = ["get": operation("A Frictionless Data Package whose resource is the CSV download, with its Table Schema",
            tag: "open data", parameters: [datasetParameter], response: json(["type": "object"]), secured: false)]
        let application = object(["application": ["type": "object"], "overdue": boolean, "working_days_left": integer])
        all["/api/v1/datasets/{id}/applications"] = ["post": operation("Apply for a conditionally open dataset (Art. 23); answered within two working days", tag: "open data",
            parameters: [datasetParameter], body: object(["identity": string("公民身份号码 or 统一社会信用代码"), "purpose": string(), "intended_use": string()],
                                                        required: ["identity", "purpose", "intended_use"]),
            response: json(application), status: "201")]
        all["/api/v1/me/applications"] = ["get": operation("My applications, with status and deadline", tag: "open data", response: json(object(["items": array(application)])))]
        all["/api/v1/open-applications"] = ["get": operation("Applications to the caller's organisation (a provider), or all (oversight)", tag: "open data",
            response: json(object(["items": array(application)])))]
        all["/api/v1/open-applications/{id}/approve"] = ["post": operation("Approve with terms and a period", tag: "open data", parameters: [idParameter],
            body: object(["terms": string(), "until": string("YYYY-MM-DD or ISO 8601")], required: ["until"]), response: json(application))]
        all["/api/v1/open-applications/{id}/refuse"] = ["post": operation("Refuse with a reason and a basis", tag: "open data", parameters: [idParameter],
            body: object(["reason": string(), "basis": string()], required: ["reason", "basis"]), response: json(application))]
        all["/api/v1/open-applications/{id}/withdraw"] = ["post": operation("The applicant withdraws", tag: "open data", parameters: [idParameter], response: json(application))]

        // 互动反馈 and 成果展示.
        let kinds = Feedback.Kind.allCases.map(\.rawValue), resolutions = Feedback.Resolution.allCases.map(\.rawValue)
        let publicFeedback = object(["id": string(), "kind": string(values: kinds), "dataset": string("Resource code"), "dataset_title": string(), "title": string(),
                                     "body": string(), "field": string(), "rating": integer, "author": string("Masked name"), "status": string(values: ["pending", "answered"]),
                                     "created_at": string(format: "date-time"), "deadline": string(format: "date-time"), "overdue": boolean,
                                     "resolution": string(values: resolutions), "answer": string(), "answered_at": string(format: "date-time"),
                                     "answered_by_organization": string(), "answered_by_organization_en": string()],
                                    required: ["id", "kind", "title", "body", "author", "status", "created_at", "deadline", "overdue"])
        let feedbackPage = object(["items": array(publicFeedback), "total": integer, "rating_average": ["type": "number"], "rating_count": integer], required: ["items", "total"])
        let feedback = ["type": "object", "description": "The full record (author's account and name): for the author, the department and oversight"] as J
        let paging = [query("limit", "1 to 500 (default 50)", schema: integer), query("offset", "0 to 1,000,000", schema: integer)]
        all["/api/v1/datasets/{id}/feedback"] = [
            "get": operation("A dataset's comments and error reports with the provider's answers, and its rating", tag: "interaction",
                             parameters: [datasetParameter, query("kind", "error_report or comment", schema: string(values: ["error_report", "comment"]))] + paging,
                             response: json(feedbackPage), secured: false),
            "post": operation("Comment (with an optional rating, once per person) or report an error; answered within five working days", tag: "interaction",
                              parameters: [datasetParameter], body: object(["kind": string(values: ["comment", "error_report"]), "body": string(), "rating": integer,
                                                                            "field": string("For an error report: the field in error")], required: ["body"]),
                              response: json(feedback), status: "201"),
        ]
        all["/api/v1/data-requests"] = [
            "get": operation("Requests for data not yet open, with the answers", tag: "interaction", parameters: paging, response: json(feedbackPage), secured: false),
            "post": operation("Ask for data not yet open; a department (provider_id) or, naming none, the regulator answers within five working days", tag: "interaction",
                              body: object(["title": string(), "body": string(), "provider_id": string()], required: ["title", "body"]), response: json(feedback), status: "201"),
        ]
        all["/api/v1/me/feedback"] = ["get": operation("What I sent, with the answers", tag: "interaction", parameters: paging,
                                                       response: json(object(["items": array(feedback), "total": integer])))]
        all["/api/v1/feedback"] = ["get": operation("A department's inbox, pending first by deadline (all for oversight)", tag: "interaction",
                                                    parameters: [query("kind", "data_request, error_report or comment", schema: string(values: kinds))] + paging,
                                                    response: json(object(["items": array(feedback), "total": integer])))]
        all["/api/v1/feedback/{id}/answer"] = ["post": operation("Answer once, with a resolution that fits the kind", tag: "interaction", parameters: [idParameter],
            body: object(["resolution": string(values: resolutions), "answer": string()], required: ["resolution", "answer"]), response: json(feedback))]
        let useCase = object(["id": string(), "kind": string(values: UseCase.Kind.allCases.map(\.rawValue)), "title": string(), "description": string(), "url": string(),
                              "byline": string(), "datasets": array(object(["resource_code": string(), "title": string()])),
                              "status": string(values: UseCase.Status.allCases.map(\.rawValue)), "created_at": string(format: "date-time"), "review_note": string()],
                             required: ["id", "kind", "title", "description", "url", "datasets", "status", "created_at"])
        all["/api/v1/showcase"] = [
            "get": operation("Uses of open data shown after review (Art. 26), optionally those using one dataset", tag: "interaction",
                             parameters: [query("dataset", "Resource code or id")], response: json(object(["items": array(useCase)], required: ["items"])), secured: false),
            "post": operation("Submit a use of open data for review", tag: "interaction",
                              body: object(["kind": string(), "title": string(), "description": string(), "url": string("http(s) address"), "byline": string(),
                                            "datasets": array(string("Resource code"))], required: ["title", "description", "url", "datasets"]),
                              response: json(["type": "object"]), status: "201"),
        ]
        all["/api/v1/showcase/submissions"] = ["get": operation("Submitted uses by state (pending by default), for the regulator's review", tag: "interaction",
            parameters: [query("status", "pending, published or rejected", schema: string(values: UseCase.Status.allCases.map(\.rawValue)))],
            response: json(object(["items": array(useCase)])))]
        all["/api/v1/showcase/{id}/review"] = ["post": operation("Publish or reject (with a reason)", tag: "interaction", parameters: [idParameter],
            body: object(["decision": string(values: ["publish", "reject"]), "note": string()], required: ["decision"]), response: json(["type": "object"]))]

        for verb in ["done", "cancel"] {
            all["/api/v1/rectification-orders/{id}/\(verb)"] = ["post": operation("Close an order: \(verb)", tag: "oversight", parameters: [idParameter],
                                                                                   response: json(object(["order": ref("RectificationOrder"), "overdue": boolean])))]
        }

        let schemas: J = [
            "Error": object(["error": object(["code": string(), "message": string(), "message_zh": string(), "message_en": string()], required: ["code", "message"])], required: ["error"]),
            "Platform": object(["name": string(), "name_zh": string(), "regulation": string(), "database": string(), "schema_version": integer, "organizations": integer]),
            "Role": string(values: ["regulator", "provider", "consumer", "auditor", "contributor", "admin", "public"]),
            "Contact": object(["name": string(), "phone": string(), "email": string()], required: ["name"]),
            "Organization": object(["id": string(), "kind": string(), "name_zh": string(), "name_en": string(), "credit_code": string(), "parent_id": string(),
                                    "division_code": string(), "contact": ref("Contact"), "created_at": string(format: "date-time"), "updated_at": string(format: "date-time")]),
            "OrganizationInput": object(["kind": string(values: ["regulator", "city_department", "district_government", "district_department", "judicial_body", "social_data_contributor", "enterprise", "public_individuals"]),
                                         "name_zh": string(), "name_en": string(), "credit_code": string("统一社会信用代码 (GB 32100)"), "parent_id": string(),
                                         "division_code": string(), "contact": ref("Contact")], required: ["kind", "name_zh"]),
            "User": object(["id": string(), "organization_id": string(), "username": string(), "display_name": string(), "email": string(), "mobile": string(),
                            "roles": array(ref("Role")), "status": string(values: ["active", "disabled"]), "created_at": string(format: "date-time"), "updated_at": string(format: "date-time")]),
            "APIKey": object(["id": string(), "user_id": string(), "name": string(), "kind": string(), "prefix": string(), "scopes": array(string()),
                              "created_at": string(format: "date-time"), "expires_at": string(format: "date-time"), "revoked_at": string(format: "date-time")]),
            "AuditEvent": object(["sequence": integer, "id": string(), "occurred_at": string(format: "date-time"), "actor_user_id": string(), "actor_username": string(),
                                  "actor_organization_id": string(), "action": string(), "object_type": string(), "object_id": string(),
                                  "outcome": string(values: ["success", "denied", "failed"]), "client_address": string(), "request_id": string(),
                                  "detail": string(), "previous_hash": string(), "hash": string()]),
            "AuditCheckpoint": object(["sequence": integer, "head_hash": string(), "signed_at": string(format: "date-time"), "public_key": string(), "signature": string()]),
            "FieldInput": object(["name": string(), "label_zh": string(), "type": string(values: ["integer", "decimal", "text", "date", "datetime", "boolean"]),
                                  "unit": string(), "description": string(), "required": boolean, "unique_key": boolean, "allowed_values": array(string()),
                                  "pattern": string(), "standard_code": string(), "personal_information": boolean], required: ["name", "label_zh", "type"]),
            "LegalBasis": object(["name": string(), "article": string(), "note": string()], required: ["name", "article"]),
            "CatalogEntry": ["allOf": [entryBody, object(["id": string(), "entry_id": string(), "version": integer, "provider_id": string(),
                                                          "status": string(values: ["draft", "submitted", "returned", "confirmed", "published", "superseded", "retired"]),
                                                          "review_comment": string(), "created_at": string(format: "date-time"), "updated_at": string(format: "date-time"),
                                                          "submitted_at": string(format: "date-time"), "confirmed_at": string(format: "date-time"),
                                                          "published_at": string(format: "date-time"), "data_updated_at": string(format: "date-time")])]],
            "CatalogListing": object(["catalog": string(), "total": integer, "limit": integer, "offset": integer, "items": array(ref("CatalogEntry")),
                                      "facets": ["type": "object", "additionalProperties": ["type": "object", "additionalProperties": integer]]]),
            "WrittenEntry": object(["entry": ref("CatalogEntry"), "duplicate_warnings": array(ref("DuplicateWarning"))]),
            "DuplicateWarning": object(["field": string(), "existing_entry_id": string(), "existing_title": string(), "existing_provider_id": string(),
                                        "existing_field": string(), "reason": string(values: ["same_standard_code", "same_label", "same_name"]),
                                        "availability": string(values: ["unconditional", "conditional"]), "message": string()]),
            "ShareRequest": object(["id": string(), "entry_id": string(), "resource_code": string(), "entry_title": string(), "provider_id": string(), "consumer_id": string(),
                                    "requested_by": string(), "fields": array(string()), "purpose": string(), "duty": string(), "legal_basis": string(),
                                    "period_start": string(format: "date-time"), "period_end": string(format: "date-time"),
                                    "status": string(values: ["pending", "approved", "refused", "disputed", "arbitration", "decided", "withdrawn"]),
                                    "accepted_at": string(format: "date-time"), "deadline": string(format: "date-time"), "answered_at": string(format: "date-time"),
                                    "refusal_reason": string(), "refusal_basis": string(), "decision": string(values: ["share", "share_partly", "refuse"]),
                                    "decided_at": string(format: "date-time"), "escalated_at": string(format: "date-time"), "grant_id": string()]),
            "ShareRequestEvent": object(["id": string(), "request_id": string(), "kind": string(), "at": string(format: "date-time"), "actor_user_id": string(),
                                         "actor_organization_id": string(), "text": string(), "detail": ["type": "object"]]),
            "ShareGrant": object(["id": string(), "request_id": string(), "entry_id": string(), "consumer_id": string(), "provider_id": string(), "fields": array(string()),
                                  "purpose": string(), "starts_at": string(format: "date-time"), "ends_at": string(format: "date-time"), "created_at": string(format: "date-time"),
                                  "revoked_at": string(format: "date-time"), "revoked_by": string(), "revocation_reason": string()]),
            "ShareDelivery": object(["id": string(), "kind": string(values: ["page", "download"]), "entry_id": string(), "version_id": string(),
                                     "recipient_organization_id": string(), "recipient_user_id": string(), "grant_id": string(), "purpose": string(), "query": string(),
                                     "row_count": integer, "content_sha256": string(), "delivered_at": string(format: "date-time"), "certificate": string()]),
            "LegalBasisFiling": object(["id": string(), "entry_id": string(), "entry_version_id": string(), "provider_id": string(), "share_type": string(),
                                        "open_type": string(), "legal_basis": ref("LegalBasis"), "filed_at": string(format: "date-time")]),
            "RectificationOrder": object(["id": string(), "organization_id": string(), "entry_id": string(), "kind": string(), "reason": string(),
                                          "deadline": string(format: "date-time"), "status": string(values: ["open", "done", "cancelled"]), "issued_by": string(),
                                          "issued_at": string(format: "date-time"), "response": string(), "responded_at": string(format: "date-time")]),
        ]
        return [
            "openapi": "3.1.0",
            "info": ["title": "海河 Haihe API", "version": "1.0.0",
                     "description": "Tianjin's government data sharing and open-data platform. Errors are {\"error\": {code, message, message_zh, message_en}}. The CKAN Action API (/api/3/action/…) and DCAT exports (/catalog.ttl, /catalog.jsonld) follow their own standards and are not described here."],
            "servers": [["url": "/"]],
            "paths": all,
            "components": ["schemas": schemas, "securitySchemes": [
                "bearer": ["type": "http", "scheme": "bearer", "description": "POST /api/v1/auth/token or an API key from the console"],
                "session": ["type": "apiKey", "in": "cookie", "name": "haihe_session", "description": "Browser session; state-changing calls also need X-CSRF-Token"],
            ]],
        ]
    }

    static let data: Data = (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()

    static func addRoutes(to router: Router<HaiheRequestContext>) {
        router.get("/openapi.json") { _, _ -> Response in
            var headers = HTTPFields()
            headers[.contentType] = "application/json; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }
}
