//! Markdown for the viewer: GFM by comrak, headings moved one level down (the page holds the
//! only `<h1>`), then sanitised by ammonia, so that `<script>`, event handlers and
//! `javascript:` links in a decision or an artifact come out inert.

use comrak::nodes::NodeValue;

pub fn to_html(markdown: &str) -> String {
    let mut options = comrak::Options::default();
    options.extension.table = true;
    options.extension.strikethrough = true;
    options.extension.autolink = true;
    options.extension.tasklist = true;
    let arena = comrak::Arena::new();
    let root = comrak::parse_document(&arena, markdown, &options);
    for node in root.descendants() {
        if let NodeValue::Heading(heading) = &mut node.data.borrow_mut().value {
            heading.level = (heading.level + 1).min(6);
        }
    }
    let mut raw = String::new();
    // Formatting into a String cannot fail.
    let _ = comrak::format_html(root, &options, &mut raw);
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto"].into())
        .link_rel(Some("noopener noreferrer nofollow"))
        .add_tags(["input"])
        .add_tag_attribute_values("input", "type", ["checkbox"])
        .add_tag_attributes("input", ["checked", "disabled"])
        .clean(&raw)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn hostile_markdown_comes_out_inert() {
        let html = to_html(
            "# Title\n\n<script>alert(1)</script>\n\n<img src=x onerror=\"alert(2)\">\n\n\
             [click](javascript:alert(3)) <a href=\"javascript:alert(4)\">x</a> <svg onload=alert(5)>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror") && !html.contains("onload"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("<h2>Title</h2>"), "headings move down a level: {html}");
    }

    #[test]
    fn tables_task_lists_and_links_survive() {
        let html = to_html("| a | b |\n| - | - |\n| 1 | 2 |\n\n- [x] done\n\n<https://example.com>");
        assert!(html.contains("<table>") && html.contains("<td>2</td>"), "{html}");
        assert!(html.contains("checked") && html.contains("type=\"checkbox\""), "{html}");
        assert!(html.contains("href=\"https://example.com\"") && html.contains("noopener"), "{html}");
    }
}
