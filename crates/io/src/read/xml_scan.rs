//! A streaming look at XML as it inflates, before any parser builds anything from it: the tags
//! with their attributes, and only the length of the text between them. It holds one tag at a
//! time (never a text node), so a part of one enormous string or a million-deep nest costs a
//! few kilobytes to measure. It is not a parser: it checks nothing a real parser would refuse
//! anyway, and entities are never expanded (nor are they by the readers: quick-xml, under
//! calamine and docx-rs, knows no DTD).

use std::io::Read;

/// What the scanner reports, in document order.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum XmlEvent<'a> {
    /// A start tag: the bytes between `<` and `>` (name and attributes), and whether it closes
    /// itself (`<a/>`).
    Start {
        tag: &'a [u8],
        empty: bool,
    },
    End,
    /// Bytes of text (CDATA included) since the last tag.
    Text(usize),
}

/// Why scanning stopped early.
#[derive(Debug)]
pub(crate) enum ScanError<E> {
    Read(std::io::Error),
    /// A single tag longer than the scanner holds: no Office file writes one.
    TagTooLong(usize),
    /// What the caller's handler returned.
    Stopped(E),
}

/// The longest tag held: Office tags with all their namespaces are a few kilobytes at most.
pub(crate) const MAX_TAG_BYTES: usize = 256 * 1024;

enum State {
    Text,
    /// Just after `<`.
    Open,
    Tag {
        quote: Option<u8>,
    },
    EndTag,
    /// `<!`: a comment, CDATA or a declaration, told apart by the first bytes.
    Bang,
    Comment {
        dashes: u8,
    },
    CData {
        brackets: u8,
    },
    /// `<!DOCTYPE ...>` and the like, with `[...]` internal subsets skipped whole.
    Declaration {
        brackets: usize,
        quote: Option<u8>,
    },
    Instruction {
        question: bool,
    },
}

/// Reads `reader` to its end, calling `handle` for each event.
pub(crate) fn scan_xml<E>(
    mut reader: impl Read,
    mut handle: impl FnMut(XmlEvent<'_>) -> Result<(), E>,
) -> Result<(), ScanError<E>> {
    let mut chunk = vec![0u8; 64 * 1024];
    let mut tag: Vec<u8> = Vec::with_capacity(1024);
    let mut state = State::Text;
    let mut text = 0usize;
    loop {
        let read = match reader.read(&mut chunk) {
            Ok(0) => break,
            Ok(read) => read,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(ScanError::Read(error)),
        };
        for &byte in &chunk[..read] {
            state = match state {
                State::Text if byte == b'<' => {
                    if text > 0 {
                        handle(XmlEvent::Text(text)).map_err(ScanError::Stopped)?;
                        text = 0;
                    }
                    tag.clear();
                    State::Open
                }
                State::Text => {
                    text += 1;
                    State::Text
                }
                State::Open => match byte {
                    b'/' => State::EndTag,
                    b'!' => State::Bang,
                    b'?' => State::Instruction { question: false },
                    b'>' => State::Text,
                    _ => {
                        tag.push(byte);
                        State::Tag { quote: None }
                    }
                },
                State::Tag { quote: Some(q) } => {
                    push(&mut tag, byte)?;
                    State::Tag {
                        quote: (byte != q).then_some(q),
                    }
                }
                State::Tag { quote: None } => match byte {
                    b'>' => {
                        let empty = tag.last() == Some(&b'/');
                        let end = tag.len() - usize::from(empty);
                        handle(XmlEvent::Start {
                            tag: &tag[..end],
                            empty,
                        })
                        .map_err(ScanError::Stopped)?;
                        if empty {
                            handle(XmlEvent::End).map_err(ScanError::Stopped)?;
                        }
                        State::Text
                    }
                    b'"' | b'\'' => {
                        push(&mut tag, byte)?;
                        State::Tag { quote: Some(byte) }
                    }
                    _ => {
                        push(&mut tag, byte)?;
                        State::Tag { quote: None }
                    }
                },
                State::EndTag if byte == b'>' => {
                    handle(XmlEvent::End).map_err(ScanError::Stopped)?;
                    State::Text
                }
                State::EndTag => State::EndTag,
                State::Bang => {
                    tag.push(byte);
                    if tag.starts_with(b"--") {
                        State::Comment { dashes: 0 }
                    } else if tag.starts_with(b"[CDATA[") {
                        State::CData { brackets: 0 }
                    } else if b"--".starts_with(&tag) || b"[CDATA[".starts_with(&tag) {
                        State::Bang
                    } else {
                        State::Declaration {
                            brackets: usize::from(byte == b'['),
                            quote: None,
                        }
                    }
                }
                State::Comment { dashes } => match byte {
                    b'-' => State::Comment {
                        dashes: (dashes + 1).min(2),
                    },
                    b'>' if dashes == 2 => State::Text,
                    _ => State::Comment { dashes: 0 },
                },
                State::CData { brackets } => match byte {
                    b']' => State::CData {
                        brackets: (brackets + 1).min(2),
                    },
                    // The brackets before `>` close the section; they were not counted.
                    b'>' if brackets == 2 => State::Text,
                    _ => {
                        text += usize::from(brackets) + 1;
                        State::CData { brackets: 0 }
                    }
                },
                State::Declaration {
                    brackets,
                    quote: Some(q),
                } => State::Declaration {
                    brackets,
                    quote: (byte != q).then_some(q),
                },
                State::Declaration {
                    brackets,
                    quote: None,
                } => match byte {
                    b'"' | b'\'' => State::Declaration {
                        brackets,
                        quote: Some(byte),
                    },
                    b'[' => State::Declaration {
                        brackets: brackets + 1,
                        quote: None,
                    },
                    b']' => State::Declaration {
                        brackets: brackets.saturating_sub(1),
                        quote: None,
                    },
                    b'>' if brackets == 0 => State::Text,
                    _ => State::Declaration {
                        brackets,
                        quote: None,
                    },
                },
                State::Instruction { question } => match byte {
                    b'>' if question => State::Text,
                    _ => State::Instruction {
                        question: byte == b'?',
                    },
                },
            };
        }
    }
    if text > 0 {
        handle(XmlEvent::Text(text)).map_err(ScanError::Stopped)?;
    }
    Ok(())
}

fn push<E>(tag: &mut Vec<u8>, byte: u8) -> Result<(), ScanError<E>> {
    if tag.len() >= MAX_TAG_BYTES {
        return Err(ScanError::TagTooLong(MAX_TAG_BYTES));
    }
    tag.push(byte);
    Ok(())
}

/// The element name of a start tag's bytes: up to the first space.
pub(crate) fn tag_name(tag: &[u8]) -> &[u8] {
    let end = tag
        .iter()
        .position(|b| b.is_ascii_whitespace())
        .unwrap_or(tag.len());
    &tag[..end]
}

/// The value of attribute `name` in a start tag's bytes, undecoded.
pub(crate) fn attribute<'a>(tag: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let mut rest = &tag[tag_name(tag).len()..];
    loop {
        let start = rest.iter().position(|b| !b.is_ascii_whitespace())?;
        rest = &rest[start..];
        let equals = rest.iter().position(|&b| b == b'=')?;
        let key = rest[..equals].trim_ascii();
        rest = rest[equals + 1..].trim_ascii_start();
        let quote = *rest.first()?;
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        let close = rest[1..].iter().position(|&b| b == quote)?;
        let value = &rest[1..1 + close];
        if key == name {
            return Some(value);
        }
        rest = &rest[close + 2..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(xml: &str) -> Vec<String> {
        let mut out = Vec::new();
        // A tiny reader so that every chunk boundary is exercised.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let Some((&first, rest)) = self.0.split_first() else {
                    return Ok(0);
                };
                buf[0] = first;
                self.0 = rest;
                Ok(1)
            }
        }
        scan_xml::<()>(Trickle(xml.as_bytes()), |event| {
            out.push(match event {
                XmlEvent::Start { tag, empty } => {
                    format!(
                        "<{}{}>",
                        String::from_utf8_lossy(tag),
                        if empty { "/" } else { "" }
                    )
                }
                XmlEvent::End => "end".to_string(),
                XmlEvent::Text(length) => format!("text {length}"),
            });
            Ok(())
        })
        .unwrap();
        out
    }

    #[test]
    fn tags_text_lengths_comments_cdata_and_declarations() {
        let xml = "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\
                   <a x=\"1>2\"><!-- <b> --><b/>hello<![CDATA[<c>]]></a>";
        assert_eq!(
            events(xml),
            vec!["<a x=\"1>2\">", "<b/>", "end", "text 5", "text 3", "end"]
        );
    }

    #[test]
    fn attributes_are_found_by_name() {
        let tag =
            br#"table:table-cell table:number-columns-repeated="16384" office:value-type='string'"#;
        assert_eq!(tag_name(tag), b"table:table-cell");
        assert_eq!(
            attribute(tag, b"table:number-columns-repeated"),
            Some(&b"16384"[..])
        );
        assert_eq!(attribute(tag, b"office:value-type"), Some(&b"string"[..]));
        assert_eq!(attribute(tag, b"table:number-rows-repeated"), None);
    }
}
