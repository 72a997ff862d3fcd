//! The HTML pages a person sees: the consent page (choose an account, read the scopes in
//! words, Allow or Deny) and Google-style error pages.
//!
//! Pure rendering: every value is escaped here, and the form fields' names are the contract
//! with `oauth.rs` (the answer) and `browse.rs` (the scripted browser). No inline script, so
//! the pages work under any CSP.

use crate::mailbox::Account;
use crate::reply::escape_html;

/// The consent form posts here.
pub(crate) const CONSENT_PATH: &str = "/o/oauth2/v2/auth/consent";
/// Hidden field naming the pending request.
pub(crate) const FIELD_REQUEST: &str = "request";
/// Radio group with the chosen account's address.
pub(crate) const FIELD_ACCOUNT: &str = "account";
/// The button pressed: `allow` or `deny`.
pub(crate) const FIELD_DECISION: &str = "decision";
/// The consent form's field for a ticked scope (one per box).
pub(crate) const FIELD_SCOPE: &str = "scope";

/// What a scope lets the app do, in the words Google's consent screen uses.
pub(crate) fn describe_scope(scope: &str) -> String {
    let tail = scope.rsplit('/').next().unwrap_or(scope);
    match (scope, tail) {
        ("https://mail.google.com/", _) => {
            "Read, compose, send and permanently delete all your email from Gmail".into()
        }
        (_, "gmail.readonly") => "View your email messages and settings".into(),
        (_, "gmail.metadata") => {
            "View your email message metadata such as labels and headers, but not the email body"
                .into()
        }
        (_, "gmail.labels") => "See and edit your email labels".into(),
        (_, "gmail.modify") => "Read, compose and send emails from your Gmail account".into(),
        (_, "gmail.compose") => "Manage drafts and send emails".into(),
        (_, "gmail.send") => "Send email on your behalf".into(),
        (_, "userinfo.email") => "See your primary Google Account email address".into(),
        (_, "userinfo.profile") => {
            "See your personal info, including any personal info you've made publicly available"
                .into()
        }
        ("openid", _) => "Associate you with your personal info on Google".into(),
        _ => format!("Use {scope}"),
    }
}

/// The consent page for a pending request.
pub(crate) fn consent_page(
    request_id: &str,
    accounts: &[Account],
    hint: Option<&str>,
    scopes: &[String],
) -> String {
    let preselect = accounts
        .iter()
        .position(|a| hint.is_some_and(|h| a.email.eq_ignore_ascii_case(h)))
        .unwrap_or(0);
    let mut html = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Sign in - Google Accounts (stand-in)</title>\
         <style>body{font-family:sans-serif;max-width:32rem;margin:2rem auto}\
         fieldset{margin:1rem 0}button{margin-right:1rem;padding:.5rem 1.5rem}</style></head><body>\n\
         <h1>Mailglance wants to access your Google Account</h1>\n",
    );
    html.push_str(&format!(
        "<form method=\"post\" action=\"{CONSENT_PATH}\">\n"
    ));
    html.push_str(&format!(
        "<input type=\"hidden\" name=\"{FIELD_REQUEST}\" value=\"{}\">\n",
        escape_html(request_id)
    ));
    html.push_str("<fieldset><legend>Choose an account</legend>\n");
    for (i, a) in accounts.iter().enumerate() {
        let id = format!("account-{i}");
        html.push_str(&format!(
            "<div><input type=\"radio\" id=\"{id}\" name=\"{FIELD_ACCOUNT}\" value=\"{}\"{}> \
             <label for=\"{id}\">{} &lt;{}&gt;</label></div>\n",
            escape_html(&a.email),
            if i == preselect { " checked" } else { "" },
            escape_html(&a.name),
            escape_html(&a.email),
        ));
    }
    html.push_str("</fieldset>\n<p>This will allow Mailglance to:</p>\n<ul>\n");
    for scope in scopes {
        let text = escape_html(&describe_scope(scope));
        if is_identity_scope(scope) {
            html.push_str(&format!("<li>{text}</li>\n"));
        } else {
            // Google's granular consent: each other scope has its own box, unticked
            // until the person ticks it.
            html.push_str(&format!(
                "<li><label><input type=\"checkbox\" name=\"{FIELD_SCOPE}\" value=\"{}\"> \
                 {text}</label></li>\n",
                escape_html(scope)
            ));
        }
    }
    html.push_str(&format!(
        "</ul>\n<button type=\"submit\" name=\"{FIELD_DECISION}\" value=\"deny\">Deny</button>\
         <button type=\"submit\" name=\"{FIELD_DECISION}\" value=\"allow\">Allow</button>\n</form>\n</body></html>\n"
    ));
    html
}

/// Google's "Access blocked" / error page, shown instead of redirecting.
pub(crate) fn error_page(status: u16, error: &str, detail: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Error {status}: {e}</title></head>\
         <body><h1>Access blocked: Authorization Error</h1><p>{d}</p><p><b>Error {status}: {e}</b></p></body></html>\n",
        e = escape_html(error),
        d = escape_html(detail)
    )
}

/// Finds a form field's value in one of our own pages (for the scripted browser).
pub(crate) fn hidden_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(unescape(&html[start..start + end]))
}

/// The scopes that have a box on a consent page (for the scripted browser).
pub(crate) fn scope_boxes(html: &str) -> Vec<String> {
    html.lines()
        .filter(|l| l.contains(&format!("name=\"{FIELD_SCOPE}\"")))
        .filter_map(|l| hidden_value(l, FIELD_SCOPE))
        .collect()
}

/// `openid`, `email` and `profile`: granted with the sign-in itself, no box of their own.
pub(crate) fn is_identity_scope(scope: &str) -> bool {
    scope == "openid" || scope.ends_with("/userinfo.email") || scope.ends_with("/userinfo.profile")
}

/// The account radio that is checked.
pub(crate) fn checked_account(html: &str) -> Option<String> {
    html.lines()
        .filter(|l| l.contains(&format!("name=\"{FIELD_ACCOUNT}\"")) && l.contains(" checked"))
        .find_map(|l| hidden_value(l, FIELD_ACCOUNT))
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_consent_page_preselects_the_hinted_account_and_escapes_names() {
        let mailbox = crate::generate::demo_mailbox(1, chrono::Utc::now());
        let mut accounts = mailbox.accounts.clone();
        accounts[1].name = "<b>Jean</b>".into();
        let html = consent_page(
            "req-1",
            &accounts,
            Some("JEAN.DUPONT@example.org"),
            &["openid".into()],
        );
        assert_eq!(hidden_value(&html, FIELD_REQUEST).as_deref(), Some("req-1"));
        assert_eq!(
            checked_account(&html).as_deref(),
            Some("jean.dupont@example.org")
        );
        assert!(html.contains("&lt;b&gt;Jean"));
        assert!(!html.contains("<b>Jean"));
        assert!(html.contains("Associate you with your personal info"));
    }
}
