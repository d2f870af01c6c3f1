/// Everything a caller can ask the platform to do. Each route names exactly one action, and the
/// access policy decides it; later capabilities add their actions here and to the policy table.
public enum Action: String, Sendable, CaseIterable, Codable {
    case platformRead = "platform.read"
    case organizationList = "organization.list"
    case organizationCreate = "organization.create"
    case organizationUpdate = "organization.update"
    case userList = "user.list"
    case userCreate = "user.create"
    case userUpdate = "user.update"
    case accountRead = "account.read"
    case accountChangePassword = "account.change_password"
    case apiKeyManage = "apikey.manage"
    case auditRead = "audit.read"
    case auditCheckpoint = "audit.checkpoint"
    case catalogBrowse = "catalog.browse"
    case catalogRead = "catalog.read"
    case catalogWrite = "catalog.write"
    case catalogReview = "catalog.review"
    case catalogFilings = "catalog.filings"
    case catalogOversee = "catalog.oversee"
    case rectificationIssue = "rectification.issue"
    case rectificationRead = "rectification.read"
    case rectificationRespond = "rectification.respond"
    case dataIngest = "data.ingest"
    case dataHistory = "data.history"
    case calendarRead = "calendar.read"
    case calendarManage = "calendar.manage"
    case sharingRead = "sharing.read"
    case sharingApply = "sharing.apply"
    case sharingAnswer = "sharing.answer"
    case sharingNegotiate = "sharing.negotiate"
    case sharingView = "sharing.view"
    case sharingArbitrate = "sharing.arbitrate"
    case sharingTrace = "sharing.trace"
    case certificateVerify = "certificate.verify"
    case openDataRead = "opendata.read"
    case openDataApply = "opendata.apply"
    case openDataAnswer = "opendata.answer"
    case openDataApplications = "opendata.applications"
    case feedbackSubmit = "feedback.submit"
    case feedbackAnswer = "feedback.answer"
    case feedbackView = "feedback.view"
    case showcaseSubmit = "showcase.submit"
    case showcaseReview = "showcase.review"
    case showcaseView = "showcase.view"

    /// Whether the action changes state. API keys without the `write` scope may only do the others.
    public var changesState: Bool {
        switch self {
        case .platformRead, .organizationList, .userList, .accountRead, .auditRead, .catalogBrowse, .catalogRead, .catalogFilings,
             .catalogOversee, .rectificationRead, .dataHistory, .calendarRead, .sharingRead, .sharingView, .sharingTrace, .certificateVerify,
             .openDataRead, .openDataApplications, .feedbackView, .showcaseView: false
        case .organizationCreate, .organizationUpdate, .userCreate, .userUpdate, .accountChangePassword, .apiKeyManage, .auditCheckpoint,
             .catalogWrite, .catalogReview, .rectificationIssue, .rectificationRespond, .dataIngest, .calendarManage, .sharingApply,
             .sharingAnswer, .sharingNegotiate, .sharingArbitrate, .openDataApply, .openDataAnswer, .feedbackSubmit, .feedbackAnswer,
             .showcaseSubmit, .showcaseReview: true
        }
    }

    /// The object kind the action is about, for the audit trail.
    public var objectType: String {
        String(rawValue.prefix { $0 != "." })
    }
}

/// What an API key may be used for. A key with only `read` cannot change anything, whatever its owner may do.
public enum Scope: String, Sendable, CaseIterable, Codable {
    case read
    case write
}
