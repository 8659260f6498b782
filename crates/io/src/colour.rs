//! RAG from a cell's fill colour: the nearest of red, amber, green and blue by hue, and grey
//! (no RAG) for colours too pale or too dull to be any of them. Light tints count as their
//! colour (Excel's "Bad", "Neutral" and "Good" fills are pale red, yellow and green).

use waymark_core::Rag;

/// What a fill colour says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColourRag {
    Rag(Rag),
    /// Grey, black or white: a colour that states no RAG.
    NoRag,
}

/// Reads a fill colour as a RAG.
pub fn colour_rag(rgb: [u8; 3]) -> ColourRag {
    let [r, g, b] = rgb.map(|c| f64::from(c) / 255.0);
    let max = r.max(g).max(b);
    let min = r.min(g).min(b);
    let chroma = max - min;
    // Saturation as HSV has it: pale tints keep theirs, greys have none.
    let saturation = if max == 0.0 { 0.0 } else { chroma / max };
    if saturation < 0.15 || max < 0.15 {
        return ColourRag::NoRag;
    }
    let rag = match hue(rgb) {
        h if h < 15.0 => Rag::Red,
        h if h < 70.0 => Rag::Amber,
        h if h < 170.0 => Rag::Green,
        h if h < 275.0 => Rag::Blue,
        _ => Rag::Red,
    };
    ColourRag::Rag(rag)
}

/// The colour's hue in degrees, 0 to 360 (0 for greys, which have none).
fn hue(rgb: [u8; 3]) -> f64 {
    let [r, g, b] = rgb.map(f64::from);
    let max = r.max(g).max(b);
    let chroma = max - r.min(g).min(b);
    if chroma == 0.0 {
        0.0
    } else if max == r {
        60.0 * (((g - b) / chroma).rem_euclid(6.0))
    } else if max == g {
        60.0 * ((b - r) / chroma + 2.0)
    } else {
        60.0 * ((r - g) / chroma + 4.0)
    }
}

/// "#FFC7CE", as findings name a colour.
pub fn hex(rgb: [u8; 3]) -> String {
    format!("#{:02X}{:02X}{:02X}", rgb[0], rgb[1], rgb[2])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_colours_trackers_use_read_as_their_rag() {
        let cases = [
            ([0xFF, 0x00, 0x00], ColourRag::Rag(Rag::Red)),
            ([0xC0, 0x00, 0x00], ColourRag::Rag(Rag::Red)),
            ([0xFF, 0xC7, 0xCE], ColourRag::Rag(Rag::Red)),
            ([0xFF, 0xC0, 0x00], ColourRag::Rag(Rag::Amber)),
            ([0xFF, 0x99, 0x00], ColourRag::Rag(Rag::Amber)),
            ([0xFF, 0xFF, 0x00], ColourRag::Rag(Rag::Amber)),
            ([0xFF, 0xEB, 0x9C], ColourRag::Rag(Rag::Amber)),
            ([0xED, 0x7D, 0x31], ColourRag::Rag(Rag::Amber)),
            ([0x00, 0xB0, 0x50], ColourRag::Rag(Rag::Green)),
            ([0x92, 0xD0, 0x50], ColourRag::Rag(Rag::Green)),
            ([0xC6, 0xEF, 0xCE], ColourRag::Rag(Rag::Green)),
            ([0x00, 0x80, 0x00], ColourRag::Rag(Rag::Green)),
            ([0x00, 0x70, 0xC0], ColourRag::Rag(Rag::Blue)),
            ([0x5B, 0x9B, 0xD5], ColourRag::Rag(Rag::Blue)),
            ([0x00, 0xB0, 0xF0], ColourRag::Rag(Rag::Blue)),
            ([0xA5, 0xA5, 0xA5], ColourRag::NoRag),
            ([0xD9, 0xD9, 0xD9], ColourRag::NoRag),
            ([0x00, 0x00, 0x00], ColourRag::NoRag),
            ([0xFF, 0xFF, 0xFF], ColourRag::NoRag),
        ];
        for (rgb, expected) in cases {
            assert_eq!(colour_rag(rgb), expected, "{}", hex(rgb));
        }
    }

    proptest! {
        /// Every colour reads as something, and a colour and its paler tint (mixed halfway
        /// with white, while still saturated) read the same.
        #[test]
        fn a_tint_reads_as_its_colour(r in 0u8..=255, g in 0u8..=255, b in 0u8..=255) {
            let rgb = [r, g, b];
            let tint = rgb.map(|c| ((u16::from(c) + 255) / 2) as u8);
            if let (ColourRag::Rag(full), ColourRag::Rag(pale)) = (colour_rag(rgb), colour_rag(tint)) {
                // Mixing with white keeps the hue up to rounding, so only hues near a boundary
                // may differ; the full colour's own hue decides it.
                let near = |h: f64| [15.0, 70.0, 170.0, 275.0].iter().any(|edge| (h - edge).abs() < 3.0);
                let hue = hue(rgb);
                prop_assert!(full == pale || near(hue), "{} {:?} vs {} {:?}", hex(rgb), full, hex(tint), pale);
            }
        }
    }
}
