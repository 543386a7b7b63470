//! The PRD as a typeset PDF: the Markdown is read as a document (headings, paragraphs, lists,
//! tables, quotes, strong text and code), laid out on A4 with an embedded font (DejaVu Sans,
//! any script it covers, subset into the file) and numbered pages, then drawn with krilla.
//!
//! Layout is ours and simple: words measured with the font's advances, lines wrapped greedily,
//! a table's columns sized by their content, blocks moved whole to the next page when a line
//! would not fit. Deterministic: the same Markdown gives the same bytes.

use comrak::nodes::{AstNode, ListType, NodeValue};
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::{Document, SerializeSettings};
use std::sync::OnceLock;

const REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

const PAGE: (f32, f32) = (595.0, 842.0);
const MARGIN: f32 = 56.0;
const FOOTER: f32 = 28.0;
const BODY: f32 = 10.0;
const TABLE: f32 = 8.0;

#[derive(Clone, Copy, PartialEq, Debug)]
enum Face {
    Regular,
    Bold,
}

/// A run of text in one face.
#[derive(Clone, Debug)]
struct Span {
    text: String,
    face: Face,
}

/// One drawing instruction on a page.
enum Mark {
    Text { x: f32, y: f32, size: f32, face: Face, text: String, grey: bool },
    Line { x1: f32, y1: f32, x2: f32, y2: f32 },
}

/// Glyph ids and advances (in em) of one face, looked up once per process: a table for the
/// first 12,288 code points (Latin, Greek, Cyrillic, punctuation, arrows), the cmap beyond.
struct Metrics {
    face: ttf_parser::Face<'static>,
    table: Vec<(u16, f32)>,
}

const TABLE_SIZE: u32 = 0x3000;

impl Metrics {
    fn new(data: &'static [u8]) -> Metrics {
        // The fonts are part of the binary and known good.
        let face = ttf_parser::Face::parse(data, 0).expect("the embedded font parses");
        let mut metrics = Metrics { face, table: Vec::new() };
        metrics.table = (0..TABLE_SIZE).map(|c| metrics.lookup(char::from_u32(c).unwrap_or('\u{fffd}'))).collect();
        metrics
    }

    fn lookup(&self, c: char) -> (u16, f32) {
        let em = f32::from(self.face.units_per_em());
        let glyph = self.face.glyph_index(c).unwrap_or(ttf_parser::GlyphId(0));
        let advance = self.face.glyph_hor_advance(glyph).map_or(0.5, |a| f32::from(a) / em);
        (glyph.0, advance)
    }

    /// The glyph and its advance in em.
    fn glyph(&self, c: char) -> (u16, f32) {
        match self.table.get(c as usize) {
            Some(known) => *known,
            None => self.lookup(c),
        }
    }
}

fn metrics(face: Face) -> &'static Metrics {
    static REGULAR_METRICS: OnceLock<Metrics> = OnceLock::new();
    static BOLD_METRICS: OnceLock<Metrics> = OnceLock::new();
    match face {
        Face::Regular => REGULAR_METRICS.get_or_init(|| Metrics::new(REGULAR)),
        Face::Bold => BOLD_METRICS.get_or_init(|| Metrics::new(BOLD)),
    }
}

/// The width of `text` at `size` points.
fn width(text: &str, face: Face, size: f32) -> f32 {
    let m = metrics(face);
    text.chars().map(|c| m.glyph(c).1).sum::<f32>() * size
}

/// The glyphs of `text`, positioned by the font's advances (no shaping: the scripts DejaVu
/// covers need none beyond that).
fn glyphs(text: &str, face: Face) -> Vec<KrillaGlyph> {
    let m = metrics(face);
    (text.char_indices())
        .map(|(i, c)| {
            let (glyph, advance) = m.glyph(c);
            KrillaGlyph::new(GlyphId::new(u32::from(glyph)), advance, 0.0, 0.0, 0.0, i..i + c.len_utf8(), None)
        })
        .collect()
}

/// Lays text out into pages of marks.
struct Layout {
    pages: Vec<Vec<Mark>>,
    y: f32,
}

impl Layout {
    fn new() -> Layout {
        Layout { pages: vec![Vec::new()], y: MARGIN }
    }

    fn bottom() -> f32 {
        PAGE.1 - MARGIN - FOOTER
    }

    /// Makes room for `height`, starting a new page when it does not fit.
    fn room(&mut self, height: f32) {
        if self.y + height > Layout::bottom() && self.y > MARGIN {
            self.pages.push(Vec::new());
            self.y = MARGIN;
        }
    }

    fn mark(&mut self, mark: Mark) {
        if let Some(page) = self.pages.last_mut() {
            page.push(mark);
        }
    }

    /// Wraps spans into lines no wider than `max` and draws them from `x`, each line `lead`
    /// below the previous. The first line may carry a hanging `marker` left of `x`.
    fn paragraph(&mut self, spans: &[Span], x: f32, max: f32, size: f32, marker: Option<&str>, grey: bool) {
        let lead = size * 1.4;
        let lines = wrap(spans, max, size);
        for (i, line) in lines.iter().enumerate() {
            self.room(lead);
            self.y += lead;
            if i == 0
                && let Some(marker) = marker
            {
                let w = width(marker, Face::Regular, size);
                let text = marker.to_owned();
                self.mark(Mark::Text { x: x - w - 4.0, y: self.y, size, face: Face::Regular, text, grey });
            }
            let mut cx = x;
            for span in line {
                self.mark(Mark::Text { x: cx, y: self.y, size, face: span.face, text: span.text.clone(), grey });
                cx += width(&span.text, span.face, size);
            }
        }
    }

    /// A table: columns sized by their content, cells wrapped, the header row in bold, rules
    /// between rows; a row that does not fit goes to the next page.
    fn table(&mut self, rows: &[Vec<Vec<Span>>], x: f32, max: f32) {
        let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
        if columns == 0 {
            return;
        }
        let pad = 3.0;
        let cell_width = |cell: &Vec<Span>| cell.iter().map(|s| width(&s.text, s.face, TABLE)).sum::<f32>();
        let widest_word = |cell: &Vec<Span>| {
            (cell.iter()).flat_map(|s| s.text.split(' ').map(move |w| width(w, s.face, TABLE))).fold(0.0, f32::max)
        };
        let column = |c: usize, measure: &dyn Fn(&Vec<Span>) -> f32| {
            rows.iter().filter_map(|r| r.get(c)).map(measure).fold(12.0, f32::max) + 2.0 * pad
        };
        let natural: Vec<f32> = (0..columns).map(|c| column(c, &cell_width)).collect();
        let least: Vec<f32> = (0..columns).map(|c| column(c, &widest_word)).collect();
        let (total, floor): (f32, f32) = (natural.iter().sum(), least.iter().sum());
        // Every column gets its longest word; what is left goes where the text is longest.
        let widths: Vec<f32> = if total <= max {
            natural
        } else if floor >= max {
            // Not even the longest words fit: the widest columns give way, down to a common cap.
            let (mut low, mut high) = (0.0_f32, max);
            for _ in 0..30 {
                let cap = (low + high) / 2.0;
                if least.iter().map(|w| w.min(cap)).sum::<f32>() > max { high = cap } else { low = cap }
            }
            least.iter().map(|w| w.min(low)).collect()
        } else {
            (natural.iter().zip(&least)).map(|(n, l)| l + (n - l) * (max - floor) / (total - floor)).collect()
        };
        let lead = TABLE * 1.35;
        for (r, row) in rows.iter().enumerate() {
            let cells: Vec<Vec<Vec<Span>>> = (0..columns)
                .map(|c| {
                    let spans = row.get(c).cloned().unwrap_or_default();
                    let spans = if r == 0 {
                        spans.into_iter().map(|s| Span { face: Face::Bold, ..s }).collect()
                    } else {
                        spans
                    };
                    wrap(&spans, widths[c] - 2.0 * pad, TABLE)
                })
                .collect();
            let height = cells.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32 * lead + pad;
            self.room(height);
            let top = self.y;
            let mut cx = x;
            for (c, lines) in cells.iter().enumerate() {
                for (i, line) in lines.iter().enumerate() {
                    let mut lx = cx + pad;
                    for span in line {
                        let y = top + (i + 1) as f32 * lead;
                        self.mark(Mark::Text {
                            x: lx,
                            y,
                            size: TABLE,
                            face: span.face,
                            text: span.text.clone(),
                            grey: false,
                        });
                        lx += width(&span.text, span.face, TABLE);
                    }
                }
                cx += widths[c];
            }
            self.y = top + height;
            let right = x + widths.iter().sum::<f32>();
            self.mark(Mark::Line { x1: x, y1: self.y, x2: right, y2: self.y });
        }
        self.y += 6.0;
    }
}

/// Greedy word wrap of spans into lines of at most `max` points.
fn wrap(spans: &[Span], max: f32, size: f32) -> Vec<Vec<Span>> {
    let mut lines: Vec<Vec<Span>> = vec![Vec::new()];
    let mut used = 0.0;
    for span in spans {
        let space = width(" ", span.face, size);
        for (i, word) in span.text.split(' ').enumerate() {
            let mut rest = word;
            let mut w = width(rest, span.face, size);
            // A word wider than the line is cut where it overflows.
            while w > max && rest.chars().count() > 1 {
                let first = rest.chars().next().map_or(1, char::len_utf8);
                let fits = (first..rest.len())
                    .filter(|&b| rest.is_char_boundary(b))
                    .take_while(|&b| width(&rest[..b], span.face, size) <= max)
                    .last()
                    .unwrap_or(first);
                if used > 0.0 {
                    lines.push(Vec::new());
                }
                push(lines.last_mut(), &rest[..fits], span.face);
                lines.push(Vec::new());
                used = 0.0;
                rest = &rest[fits..];
                w = width(rest, span.face, size);
            }
            let lead = i > 0 && used > 0.0;
            let needed = if lead { space + w } else { w };
            if used + needed > max && used > 0.0 {
                lines.push(Vec::new());
                push(lines.last_mut(), rest, span.face);
                used = w;
            } else {
                if lead {
                    push(lines.last_mut(), " ", span.face);
                }
                push(lines.last_mut(), rest, span.face);
                used += needed;
            }
        }
    }
    lines.retain(|l| !l.is_empty());
    lines
}

/// Appends text to a line, joining it to the last span when the face is the same.
fn push(line: Option<&mut Vec<Span>>, text: &str, face: Face) {
    let Some(line) = line else { return };
    match line.last_mut() {
        Some(last) if last.face == face => last.text.push_str(text),
        _ => line.push(Span { text: text.to_owned(), face }),
    }
}

/// The inline content of a node as spans: strong text bold, everything else regular.
fn spans<'a>(node: &'a AstNode<'a>, face: Face, out: &mut Vec<Span>) {
    for child in node.children() {
        match &child.data.borrow().value {
            NodeValue::Text(text) => out.push(Span { text: text.to_string(), face }),
            NodeValue::Code(code) => out.push(Span { text: code.literal.clone(), face }),
            NodeValue::SoftBreak | NodeValue::LineBreak => out.push(Span { text: " ".into(), face }),
            NodeValue::Strong => spans(child, Face::Bold, out),
            _ => spans(child, face, out),
        }
    }
}

fn block<'a>(node: &'a AstNode<'a>, layout: &mut Layout, indent: f32, grey: bool) {
    let x = MARGIN + indent;
    let max = PAGE.0 - MARGIN - x;
    let value = node.data.borrow().value.clone();
    match value {
        NodeValue::Heading(h) => {
            let size = match h.level {
                1 => 18.0,
                2 => 13.5,
                _ => 11.0,
            };
            let mut line = Vec::new();
            spans(node, Face::Bold, &mut line);
            // A heading never ends a page: keep room for two lines after it.
            layout.room(size * 1.4 + 3.0 * BODY * 1.4);
            layout.y += if h.level == 1 { 0.0 } else { size * 0.8 };
            layout.paragraph(&line, x, max, size, None, false);
            layout.y += size * 0.3;
        }
        NodeValue::Paragraph => {
            let mut line = Vec::new();
            spans(node, Face::Regular, &mut line);
            layout.paragraph(&line, x, max, BODY, None, grey);
            layout.y += BODY * 0.5;
        }
        NodeValue::BlockQuote => {
            for child in node.children() {
                block(child, layout, indent + 12.0, true);
            }
        }
        NodeValue::List(list) => {
            for (n, item) in node.children().enumerate() {
                let marker = match list.list_type {
                    ListType::Ordered => format!("{}.", list.start + n),
                    ListType::Bullet => "•".to_owned(),
                };
                item_block(item, layout, indent + 14.0, &marker, grey);
            }
            layout.y += BODY * 0.3;
        }
        NodeValue::Table(_) => {
            let rows: Vec<Vec<Vec<Span>>> = (node.children())
                .map(|row| {
                    (row.children())
                        .map(|cell| {
                            let mut cell_spans = Vec::new();
                            spans(cell, Face::Regular, &mut cell_spans);
                            cell_spans
                        })
                        .collect()
                })
                .collect();
            layout.table(&rows, x, max);
        }
        NodeValue::ThematicBreak => {
            layout.room(BODY);
            layout.y += BODY / 2.0;
            layout.mark(Mark::Line { x1: x, y1: layout.y, x2: x + max, y2: layout.y });
            layout.y += BODY / 2.0;
        }
        NodeValue::CodeBlock(code) => {
            for line in code.literal.lines() {
                layout.paragraph(
                    &[Span { text: line.to_owned(), face: Face::Regular }],
                    x + 8.0,
                    max - 8.0,
                    TABLE + 1.0,
                    None,
                    true,
                );
            }
            layout.y += BODY * 0.5;
        }
        _ => {
            for child in node.children() {
                block(child, layout, indent, grey);
            }
        }
    }
}

/// A list item: its first paragraph carries the marker; nested blocks are indented.
fn item_block<'a>(item: &'a AstNode<'a>, layout: &mut Layout, indent: f32, marker: &str, grey: bool) {
    let x = MARGIN + indent;
    let max = PAGE.0 - MARGIN - x;
    for (i, child) in item.children().enumerate() {
        if i == 0 && matches!(child.data.borrow().value, NodeValue::Paragraph) {
            let mut line = Vec::new();
            spans(child, Face::Regular, &mut line);
            layout.paragraph(&line, x, max, BODY, Some(marker), grey);
        } else {
            block(child, layout, indent, grey);
        }
    }
}

/// The PDF of a parsed Markdown document titled `title`, with "title · page n of m" in every
/// footer.
pub fn render<'a>(title: &str, root: &'a AstNode<'a>) -> Vec<u8> {
    let mut layout = Layout::new();
    for node in root.children() {
        block(node, &mut layout, 0.0, false);
    }
    draw(title, &layout.pages)
}

fn draw(title: &str, pages: &[Vec<Mark>]) -> Vec<u8> {
    let regular = Font::new(REGULAR.into(), 0);
    let bold = Font::new(BOLD.into(), 0);
    let (Some(regular), Some(bold)) = (regular, bold) else { return Vec::new() };
    // Content streams stay uncompressed: deflating them was most of the time spent, and the
    // fonts (most of the bytes) are subset and compressed regardless.
    let settings = SerializeSettings { compress_content_streams: false, ..SerializeSettings::default() };
    let mut document = Document::new_with(settings);
    document.set_metadata(Metadata::new().title(title.to_owned()).creator("specbuilder".to_owned()));
    let black =
        Fill { paint: rgb::Color::new(20, 20, 20).into(), opacity: NormalizedF32::ONE, rule: Default::default() };
    let grey =
        Fill { paint: rgb::Color::new(90, 90, 90).into(), opacity: NormalizedF32::ONE, rule: Default::default() };
    let count = pages.len();
    for (n, marks) in pages.iter().enumerate() {
        let Some(settings) = PageSettings::from_wh(PAGE.0, PAGE.1) else { continue };
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        let mut current_grey = None;
        for mark in marks {
            match mark {
                Mark::Text { x, y, size, face, text, grey: is_grey } => {
                    if current_grey != Some(*is_grey) {
                        surface.set_fill(Some(if *is_grey { grey.clone() } else { black.clone() }));
                        current_grey = Some(*is_grey);
                    }
                    let font = if *face == Face::Bold { bold.clone() } else { regular.clone() };
                    surface.draw_glyphs(Point::from_xy(*x, *y), &glyphs(text, *face), font, text, *size, false);
                }
                Mark::Line { x1, y1, x2, y2 } => {
                    let mut path = PathBuilder::new();
                    path.move_to(*x1, *y1);
                    path.line_to(*x2, *y2);
                    if let Some(path) = path.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke {
                            paint: rgb::Color::new(190, 190, 190).into(),
                            width: 0.5,
                            ..Default::default()
                        }));
                        surface.draw_path(&path);
                        surface.set_stroke(None);
                        current_grey = None;
                    }
                }
            }
        }
        let footer = format!("{title} · page {} of {count}", n + 1);
        let w = width(&footer, Face::Regular, 8.0);
        surface.set_fill(Some(grey.clone()));
        let at = Point::from_xy((PAGE.0 - w) / 2.0, PAGE.1 - MARGIN / 2.0);
        surface.draw_glyphs(at, &glyphs(&footer, Face::Regular), regular.clone(), &footer, 8.0, false);
        surface.finish();
        page.finish();
    }
    document.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_markdown(title: &str, markdown: &str) -> Vec<u8> {
        let arena = comrak::Arena::new();
        let mut options = comrak::Options::default();
        options.extension.table = true;
        render(title, comrak::parse_document(&arena, markdown, &options))
    }

    #[test]
    fn wrapping_keeps_words_whole_and_lines_within_the_width() {
        let spans = vec![Span { text: "one two three four five six seven".into(), face: Face::Regular }];
        let lines = wrap(&spans, 60.0, 10.0);
        assert!(lines.len() >= 3, "{lines:?}");
        for line in &lines {
            let w: f32 = line.iter().map(|s| width(s.text.trim(), s.face, 10.0)).sum();
            assert!(w <= 60.0 + 0.01, "{line:?} is {w} wide");
        }
        let joined: Vec<String> = lines.iter().map(|l| l.iter().map(|s| s.text.trim().to_owned()).collect()).collect();
        assert_eq!(joined.join(" "), "one two three four five six seven");
    }

    #[test]
    fn markdown_is_typeset_not_printed_and_any_script_survives() {
        let mut md = String::from("# Zürich — Привет, Ελληνικά\n\nThe idea costs **5 €** a seat.\n\n");
        md.push_str("| role | may |\n| --- | --- |\n| owner | everything |\n\n");
        for i in 0..150 {
            md.push_str(&format!("- REQ-{i}: When a member saves, the system shall keep it.\n"));
        }
        let bytes = render_markdown("Test — requirements", &md);
        let doc = lopdf::Document::load_mem(&bytes).expect("a valid PDF");
        let pages = doc.get_pages().len();
        assert!(pages >= 3, "{pages} pages");
        let first = doc.extract_text(&[1]).expect("text of page 1");
        for expected in
            ["Zürich — Привет, Ελληνικά", "The idea costs", "5 €", "owner", "everything", "REQ-0: When a member saves"]
        {
            assert!(first.contains(expected), "{expected:?} missing from page 1: {first}");
        }
        assert!(first.contains(&format!("page 1 of {pages}")), "no page number: {first}");
        assert!(
            !first.contains("# ") && !first.contains("**") && !first.contains("| ---"),
            "Markdown source printed: {first}"
        );
        let last = doc.extract_text(&[pages as u32]).expect("text of the last page");
        assert!(last.contains("REQ-149"), "{last}");
        assert_eq!(render_markdown("Test — requirements", &md), bytes, "same text, same bytes");
    }

    #[test]
    fn bold_text_is_wider_than_regular() {
        assert!(width("Requirements", Face::Bold, 10.0) > width("Requirements", Face::Regular, 10.0));
    }
}
