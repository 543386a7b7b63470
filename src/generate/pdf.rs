//! A plain, printable PDF of text lines: A4, Helvetica, wrapped and paged. Enough for a PRD
//! someone prints or attaches to a ticket; the HTML is the rich view.

use lopdf::content::{Content, Operation};
use lopdf::{Document, Object, Stream, StringFormat, dictionary};

const PAGE: (i64, i64) = (595, 842);
const MARGIN: i64 = 56;
const SIZE: i64 = 10;
const LEADING: i64 = 14;
const COLUMNS: usize = 92;

pub fn render(title: &str, lines: &[String]) -> Vec<u8> {
    let mut wrapped = Vec::new();
    for line in lines {
        wrapped.extend(wrap(line, COLUMNS));
    }
    let per_page = ((PAGE.1 - 2 * MARGIN) / LEADING) as usize;
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    });
    let resources_id = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
    let mut kids = Vec::new();
    let chunks: Vec<&[String]> = if wrapped.is_empty() { vec![&[]] } else { wrapped.chunks(per_page).collect() };
    for chunk in chunks {
        let mut operations = vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), SIZE.into()]),
            Operation::new("TL", vec![LEADING.into()]),
            Operation::new("Td", vec![MARGIN.into(), (PAGE.1 - MARGIN).into()]),
        ];
        for line in chunk {
            operations.push(Operation::new("Tj", vec![Object::String(win_ansi(line), StringFormat::Literal)]));
            operations.push(Operation::new("T*", vec![]));
        }
        operations.push(Operation::new("ET", vec![]));
        let content = Content { operations }.encode().unwrap_or_default();
        let content_id = doc.add_object(Stream::new(dictionary! {}, content));
        kids.push(Object::from(doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        })));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => count, "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), PAGE.0.into(), PAGE.1.into()],
        }),
    );
    let info_id = doc.add_object(dictionary! {
        "Title" => Object::String(win_ansi(title), StringFormat::Literal),
        "Producer" => Object::string_literal("specbuilder"),
    });
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    doc.trailer.set("Info", info_id);
    doc.compress();
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = doc.save_to(&mut out);
    out
}

/// Greedy word wrap at `width` characters; long words are cut.
fn wrap(line: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for word in line.split(' ') {
        let mut word = word.to_owned();
        while word.chars().count() > width {
            let cut: String = word.chars().take(width).collect();
            word = word.chars().skip(width).collect();
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            out.push(cut);
        }
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > width {
            out.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(&word);
    }
    out.push(current);
    out
}

/// Helvetica's WinAnsi encoding covers Latin-1; other characters become `?`.
fn win_ansi(text: &str) -> Vec<u8> {
    (text.chars())
        .map(|c| match c {
            '\u{2014}' | '\u{2013}' => b'-',
            '\u{2018}' | '\u{2019}' => b'\'',
            '\u{201c}' | '\u{201d}' => b'"',
            '\u{2192}' => b'>',
            c if (c as u32) < 0x80 && !c.is_control() => c as u8,
            c if (0xa0..=0xff).contains(&(c as u32)) => c as u8,
            _ => b'?',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_the_width_and_cuts_long_words() {
        assert_eq!(wrap("aa bb cc", 5), vec!["aa bb", "cc"]);
        assert_eq!(wrap("abcdefgh", 3), vec!["abc", "def", "gh"]);
    }

    #[test]
    fn the_pdf_reads_back_as_its_text_over_several_pages() {
        let lines: Vec<String> = (0..120).map(|i| format!("Line {i}: Zürich costs 5 €")).collect();
        let bytes = render("Title", &lines);
        let doc = Document::load_mem(&bytes).expect("a valid PDF");
        let pages = doc.get_pages();
        assert!(pages.len() >= 3, "{} pages", pages.len());
        let text = doc.extract_text(&[1]).expect("text of page 1");
        assert!(text.contains("Line 0: Zürich costs 5 ?"), "{text}");
    }
}
