//! Markdown is rendered and sanitised once, when a post is written; pages show the stored HTML.

use std::collections::HashSet;
use std::sync::LazyLock;

use pulldown_cmark::{Options, Parser, html};

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    // Images would load from other sites (and the CSP forbids them): members link instead.
    b.rm_tags(["img"]);
    b.url_schemes(HashSet::from(["http", "https", "mailto"]));
    b.link_rel(Some("nofollow ugc noopener noreferrer"));
    b
});

/// Renders member-written markdown to HTML that is safe to show as-is.
pub fn render(markdown: &str) -> String {
    let parser = Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES);
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, parser);
    SANITIZER.clean(&unsafe_html).to_string()
}

/// Turns a post into a markdown quote with attribution, for the "Quote" link.
pub fn quote(author: &str, markdown: &str) -> String {
    let mut out = format!("> **{author}** wrote:\n>\n");
    for line in markdown.lines() {
        out.push_str("> ");
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_survives() {
        let html = render("**bold** and a [link](https://example.org)\n\n> quoted");
        assert!(html.contains("<strong>bold</strong>"), "{html}");
        assert!(html.contains("rel=\"nofollow ugc noopener noreferrer\""), "{html}");
        assert!(html.contains("<blockquote>"), "{html}");
    }

    #[test]
    fn scripts_handlers_and_javascript_links_are_removed() {
        let html = render(
            "<script>alert(1)</script><a href=\"javascript:alert(2)\">x</a>\
             <b onmouseover=\"alert(3)\">y</b><img src=x onerror=alert(4)>\n\n[z](javascript:alert(5))",
        );
        assert!(html.contains(">z</a>"), "the markdown link stays, without its href: {html}");
        for bad in ["<script", "href=\"javascript:", "onmouseover", "onerror", "<img"] {
            assert!(!html.contains(bad), "{bad} survived in {html}");
        }
    }

    #[test]
    fn quote_prefixes_every_line() {
        assert_eq!(quote("Ann", "a\nb"), "> **Ann** wrote:\n>\n> a\n> b\n\n");
    }
}
