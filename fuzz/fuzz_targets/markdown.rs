//! Markdown rendering and sanitising: never a panic, and the stored HTML never carries script —
//! no script, style, iframe, object, embed, svg, math, form or base element, no event-handler
//! attribute, and no link or source whose address is not http(s) or mailto.
#![no_main]

use libfuzzer_sys::fuzz_target;

const FORBIDDEN_ELEMENTS: [&str; 11] =
    ["script", "style", "iframe", "object", "embed", "svg", "math", "form", "base", "meta", "link"];

/// Each tag in sanitised HTML, without its angle brackets. Text is escaped, so outside a tag every
/// `<` opens one; inside, a `>` in a quoted attribute value does not close it.
fn tags(html: &str) -> Vec<&str> {
    let mut tags = Vec::new();
    let (mut start, mut quoted) = (None, false);
    for (i, c) in html.char_indices() {
        match (start, c) {
            (None, '<') => start = Some(i + 1),
            (Some(_), '"') => quoted = !quoted,
            (Some(from), '>') if !quoted => {
                tags.push(&html[from..i]);
                start = None;
            }
            _ => {}
        }
    }
    assert!(start.is_none(), "a tag is never closed in {html:?}");
    tags
}

/// The scheme a browser would read in an attribute value, as the URL standard parses it: leading
/// spaces and control characters dropped, tabs and newlines removed anywhere, then a letter and
/// letters, digits, `+`, `-` or `.` up to a colon. No scheme means a relative address.
fn scheme(serialised: &str) -> Option<String> {
    let value = serialised.replace("&quot;", "\"").replace("&nbsp;", "\u{a0}").replace("&amp;", "&");
    let value: String =
        value.trim_start_matches(|c: char| c <= ' ').chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    let (candidate, _) = value.split_once(':')?;
    let mut chars = candidate.chars();
    let starts_with_letter = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let rest_valid = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (starts_with_letter && rest_valid).then(|| candidate.to_ascii_lowercase())
}

fn check(html: &str) {
    for tag in tags(html) {
        let tag = tag.to_ascii_lowercase();
        let name: String = tag.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        assert!(!FORBIDDEN_ELEMENTS.contains(&name.as_str()), "element {name} in {html:?}");
        // Attributes: `name="value"`, values quoted by the serialiser.
        let mut rest = tag.as_str();
        while let Some(eq) = rest.find("=\"") {
            let attribute = rest[..eq].rsplit(|c: char| c.is_whitespace()).next().unwrap_or_default();
            let value_and_more = &rest[eq + 2..];
            let value = value_and_more.split('"').next().unwrap_or_default();
            assert!(!attribute.starts_with("on"), "event handler {attribute} in {html:?}");
            assert_ne!(attribute, "style", "inline style in {html:?}");
            if matches!(attribute, "href" | "src" | "action" | "formaction" | "xlink:href") {
                let scheme = scheme(value);
                assert!(
                    scheme.as_deref().is_none_or(|s| ["http", "https", "mailto"].contains(&s)),
                    "{attribute}={value:?} in {html:?}"
                );
            }
            rest = &value_and_more[value.len().min(value_and_more.len())..];
            rest = rest.strip_prefix('"').unwrap_or(rest);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(markdown) = std::str::from_utf8(data) else { return };
    let html = forum::markdown::render(markdown);
    check(&html);
    // Quoting a post and rendering the quote is what the reply form does.
    check(&forum::markdown::render(&forum::markdown::quote("Someone", markdown)));
});
