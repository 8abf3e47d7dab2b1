//! Aligned plain-text tables for the terminal (Chinese characters take two cells).

use unicode_width::UnicodeWidthStr;

/// Pads to a display width (CJK-aware).
pub fn pad(s: &str, width: usize) -> String {
    let w = s.width();
    if w >= width {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(width - w))
    }
}

/// Renders rows under a header, columns separated by two spaces; numbers right-aligned.
pub fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    let n = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate().take(n) {
            widths[i] = widths[i].max(c.width());
        }
    }
    let numeric: Vec<bool> = (0..n)
        .map(|i| {
            !rows.is_empty()
                && rows.iter().all(|r| {
                    r.get(i)
                        .is_some_and(|c| c.parse::<i64>().is_ok() || c.is_empty())
                })
        })
        .collect();
    let line = |cells: Vec<&str>| -> String {
        let mut out = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                out.push_str("  ");
            }
            let pad_n = widths[i].saturating_sub(c.width());
            if numeric[i] {
                out.push_str(&" ".repeat(pad_n));
                out.push_str(c);
            } else {
                out.push_str(c);
                if i + 1 < cells.len() {
                    out.push_str(&" ".repeat(pad_n));
                }
            }
        }
        out.trim_end().to_string() + "\n"
    };
    let mut out = line(header.to_vec());
    out.push_str(&line(
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str)
            .collect(),
    ));
    for r in rows {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn aligns_chinese_by_display_width() {
        let s = super::render(
            &["单位", "空编"],
            &[
                vec!["教育局".into(), "3".into()],
                vec!["a".into(), "12".into()],
            ],
        );
        let lines: Vec<&str> = s.lines().collect();
        // 教育局 is six cells wide; the number column is as wide as its header (空编).
        assert_eq!(lines[2], "教育局     3");
        assert_eq!(lines[3], "a         12");
    }
}
