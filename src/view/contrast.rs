//! The stylesheet's colour pairs hold WCAG AA contrast (4.5:1 for text), light and dark: the
//! claim is checked here against `assets/view/view.css` itself.

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    /// The `--name: #rrggbb` properties of each `:root` block: light first, then dark.
    fn palettes(css: &str) -> Vec<HashMap<String, [f64; 3]>> {
        css.split(":root {")
            .skip(1)
            .map(|block| {
                let block = &block[..block.find('}').unwrap()];
                block
                    .split(';')
                    .filter_map(|p| p.trim().strip_prefix("--")?.split_once(':'))
                    .filter_map(|(name, value)| {
                        let hex = value.trim().strip_prefix('#')?;
                        let channel =
                            |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok().map(|c| f64::from(c) / 255.0);
                        Some((name.trim().to_owned(), [channel(0)?, channel(2)?, channel(4)?]))
                    })
                    .collect()
            })
            .collect()
    }

    fn luminance([r, g, b]: [f64; 3]) -> f64 {
        let linear = |c: f64| if c <= 0.03928 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) };
        0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    }

    fn contrast(a: [f64; 3], b: [f64; 3]) -> f64 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    #[test]
    fn every_text_colour_on_its_background_meets_wcag_aa_light_and_dark() {
        let css = include_str!("../../assets/view/view.css");
        let palettes = palettes(css);
        assert_eq!(palettes.len(), 2, "a light and a dark palette");
        let pairs = [
            ("fg", "bg"),
            ("muted", "bg"),
            ("link", "bg"),
            ("muted", "code-bg"),
            ("fg", "muted-bg"),
            ("fg", "code-bg"),
            ("ok-fg", "ok-bg"),
            ("warn-fg", "warn-bg"),
            ("error-fg", "error-bg"),
            ("info-fg", "info-bg"),
        ];
        for (i, palette) in palettes.iter().enumerate() {
            for (text, background) in pairs {
                let ratio = contrast(palette[text], palette[background]);
                assert!(ratio >= 4.5, "palette {i}: --{text} on --{background} is {ratio:.2}:1");
            }
        }
    }
}
