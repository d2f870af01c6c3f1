import Foundation
import HaiheCore
import Hummingbird

/// The console's frame: header, navigation drawn from what the policy lets this user do, and the page.
enum Layout {
    static let css = """
    *{box-sizing:border-box}body{margin:0;font:15px/1.6 system-ui,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#1b1f24;background:#f6f7f9}
    header{background:#0b4f6c;color:#fff;padding:.6rem 1.2rem;display:flex;flex-wrap:wrap;gap:1rem;align-items:center}
    header a{color:#fff}header .brand{font-weight:700;font-size:1.15rem;text-decoration:none}
    nav{display:flex;flex-wrap:wrap;gap:.8rem;flex:1}nav a{text-decoration:none;padding:.1rem .3rem;border-radius:3px}nav a:focus,nav a:hover{background:#1d6d8f}
    main{max-width:72rem;margin:1.2rem auto;padding:0 1rem}h1{font-size:1.4rem;margin:.2rem 0 1rem}
    table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}
    th{background:#eef1f4}td.mono,code{font-family:ui-monospace,Menlo,monospace;font-size:.85rem;word-break:break-all}
    form.card,section.card{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:1rem;margin:0 0 1rem}
    label{display:block;margin:.4rem 0 .1rem;font-weight:600}input,select{font:inherit;padding:.35rem;border:1px solid #8c959f;border-radius:4px;width:100%;max-width:28rem}
    input[type=checkbox]{width:auto}button{font:inherit;padding:.35rem .9rem;border:0;border-radius:4px;background:#0b4f6c;color:#fff;cursor:pointer;margin-top:.6rem}
    button.secondary{background:#57606a}.inline{display:inline}.inline button{margin:0}
    .error{background:#ffebe9;border:1px solid #cf222e;color:#82071e;padding:.6rem .8rem;border-radius:6px;margin-bottom:1rem}
    .notice{background:#dafbe1;border:1px solid #1a7f37;padding:.6rem .8rem;border-radius:6px;margin-bottom:1rem}
    .muted{color:#57606a}.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));gap:.4rem 1rem}
    """

    static func page(_ title: String, identity: Identity?, notice: String? = nil, error: String? = nil, _ body: HTML) -> HTML {
        var links: [HTML] = []
        if let identity {
            let subject = identity.subject
            let entries: [(Action, String, String)] = [
                (.accountRead, "/console", "工作台 Console"),
                (.catalogBrowse, "/console/catalog", "目录 Catalogs"),
                (.catalogRead, "/console/catalog/mine", "本单位目录 Our catalog"),
                (.catalogReview, "/console/catalog/review", "目录确认 Review"),
                (.catalogOversee, "/console/catalog/overdue", "逾期 Overdue"),
                (.rectificationRead, "/console/rectification", "整改 Orders"),
                (.sharingView, "/console/sharing", "共享 Sharing"),
                (.calendarRead, "/console/calendar", "工作日历 Calendar"),
                (.openDataApplications, "/console/applications", "开放申请 Applications"),
                (.feedbackView, "/console/feedback", "反馈 Feedback"),
                (.showcaseView, "/console/showcase", "成果审核 Showcase"),
                (.organizationList, "/console/organizations", "单位 Organisations"),
                (.userList, "/console/users", "用户 Users"),
                (.apiKeyManage, "/console/api-keys", "访问令牌 API keys"),
                (.auditRead, "/console/audit", "审计 Audit"),
                (.accountChangePassword, "/console/password", "修改密码 Password"),
            ]
            for (action, href, label) in entries where AccessPolicy.decide(subject, action).isAllowed {
                links.append("<a href=\"\(href)\">\(label)</a>")
            }
        }
        let account: HTML
        if let identity {
            account = """
            <span>\(identity.user.displayName)（\(identity.user.username)）</span>
            <form class="inline" method="post" action="/logout"><input type="hidden" name="_csrf" value="\(identity.csrfToken)"><button class="secondary" type="submit">退出 Sign out</button></form>
            """
        } else {
            account = "<a href=\"/login\">登录 Sign in</a> <a href=\"/register\">注册 Register</a>"
        }
        let messages: HTML = (error.map { "<div class=\"error\" role=\"alert\">\($0)</div>" } ?? "") as HTML
        let notices: HTML = (notice.map { "<div class=\"notice\" role=\"status\">\($0)</div>" } ?? "") as HTML
        return """
        <!doctype html>
        <html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
        <title>\(title) · 海河 Haihe</title><style>\(HTML(raw: css))</style></head>
        <body><header><a class="brand" href="/">海河 Haihe</a><nav aria-label="主导航 Main">\(links)</nav><div>\(account)</div></header>
        <main><h1>\(title)</h1>\(messages)\(notices)\(body)</main></body></html>
        """
    }

    static func csrfField(_ identity: Identity?) -> HTML {
        "<input type=\"hidden\" name=\"_csrf\" value=\"\(identity?.csrfToken ?? "")\">"
    }
}
