//! JSON as `waymark import --json` prints it: indented like `serde_json::to_string_pretty`, but
//! an array of numbers (or of arrays of numbers) on one line, and each object in an array on a
//! line of its own. A finding (with its `rows`, `[[2, 51], [60, 60]]`) then takes one line
//! rather than eight and more, so 20,000 findings are 20,000 lines to read, grep or count, and
//! a quarter smaller.

use std::io;

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, Serializer};

/// `value` as indented JSON with arrays of numbers kept on one line.
pub fn to_json(value: &impl Serialize) -> serde_json::Result<String> {
    let mut out = Vec::new();
    let mut serializer = Serializer::with_formatter(&mut out, NumbersOnOneLine::default());
    value.serialize(&mut serializer)?;
    // The formatter writes only what serde_json gives it, which is UTF-8.
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// How an open array is written: decided by its first value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ArrayLayout {
    /// Empty so far: its first value decides.
    Undecided,
    /// A value a line, as `serde_json`'s pretty printer writes every array.
    Lines,
    /// On one line: its first value was a number or an array.
    OneLine,
}

#[derive(Debug, Default)]
struct NumbersOnOneLine {
    indent: usize,
    has_value: bool,
    arrays: Vec<ArrayLayout>,
    /// Arrays and objects on one line now open: inside one, everything is on that line.
    one_line: usize,
    /// For each open object, whether it is on one line (it is a value of an array).
    objects: Vec<bool>,
    /// An undecided array's first value is about to be written.
    deciding: bool,
    /// A value of an array written a value a line is about to be written.
    in_array: bool,
}

impl NumbersOnOneLine {
    /// Settles the layout of the array whose first value starts now: one line for a number or
    /// an array, else a value a line.
    fn first_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        number_or_array: bool,
    ) -> io::Result<()> {
        self.in_array = false;
        if !self.deciding {
            return Ok(());
        }
        self.deciding = false;
        let layout = if number_or_array {
            self.one_line += 1;
            self.indent -= 1;
            ArrayLayout::OneLine
        } else {
            self.new_line(writer)?;
            ArrayLayout::Lines
        };
        if let Some(top) = self.arrays.last_mut() {
            *top = layout;
        }
        Ok(())
    }

    fn new_line<W: ?Sized + io::Write>(&self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b"\n")?;
        for _ in 0..self.indent {
            writer.write_all(b"  ")?;
        }
        Ok(())
    }
}

/// Scalars: each may be an undecided array's first value.
macro_rules! scalar {
    ($($method:ident($type:ty), $number:expr;)*) => {
        $(
            fn $method<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: $type) -> io::Result<()> {
                self.first_value(writer, $number)?;
                CompactFormatter.$method(writer, value)
            }
        )*
    };
}

impl Formatter for NumbersOnOneLine {
    scalar! {
        write_bool(bool), false;
        write_i8(i8), true;
        write_i16(i16), true;
        write_i32(i32), true;
        write_i64(i64), true;
        write_i128(i128), true;
        write_u8(u8), true;
        write_u16(u16), true;
        write_u32(u32), true;
        write_u64(u64), true;
        write_u128(u128), true;
        write_f32(f32), true;
        write_f64(f64), true;
        write_number_str(&str), true;
    }

    fn write_null<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.first_value(writer, false)?;
        CompactFormatter.write_null(writer)
    }

    fn begin_string<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.first_value(writer, false)?;
        CompactFormatter.begin_string(writer)
    }

    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.first_value(writer, true)?;
        if self.one_line > 0 {
            self.one_line += 1;
            self.arrays.push(ArrayLayout::OneLine);
        } else {
            self.indent += 1;
            self.has_value = false;
            self.arrays.push(ArrayLayout::Undecided);
        }
        writer.write_all(b"[")
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        match self.arrays.pop() {
            Some(ArrayLayout::OneLine) => self.one_line -= 1,
            Some(ArrayLayout::Lines) => {
                self.indent -= 1;
                if self.has_value {
                    self.new_line(writer)?;
                }
            }
            Some(ArrayLayout::Undecided) | None => {
                self.indent = self.indent.saturating_sub(1);
                self.deciding = false;
            }
        }
        writer.write_all(b"]")
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        match self.arrays.last() {
            Some(ArrayLayout::OneLine) => {
                if first {
                    Ok(())
                } else {
                    writer.write_all(b", ")
                }
            }
            Some(ArrayLayout::Undecided) => {
                self.deciding = true;
                Ok(())
            }
            _ => {
                writer.write_all(if first { b"" } else { b"," })?;
                self.in_array = true;
                self.new_line(writer)
            }
        }
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        let in_array = self.deciding || self.in_array;
        self.first_value(writer, false)?;
        // An object that is a value of an array goes on one line.
        let one_line = self.one_line > 0 || in_array;
        if one_line {
            self.one_line += 1;
        } else {
            self.indent += 1;
            self.has_value = false;
        }
        self.objects.push(one_line);
        self.in_array = false;
        writer.write_all(b"{")
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        if self.objects.pop().unwrap_or(false) {
            self.one_line -= 1;
        } else {
            self.indent -= 1;
            if self.has_value {
                self.new_line(writer)?;
            }
        }
        writer.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if !first {
            writer.write_all(b",")?;
        }
        if self.one_line == 0 {
            self.new_line(writer)?;
        } else if !first {
            writer.write_all(b" ")?;
        }
        Ok(())
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_go_on_one_line_and_the_rest_as_serde_json_indents_it() {
        let value = serde_json::json!({
            "findings": [
                {"row": 2, "rows": [[2, 51], [60, 60]], "message": "a"},
                {"row": 13, "column": "Due", "tags": ["x", "y"], "empty": [], "none": {}}
            ],
            "counts": [1, 2.5, -3],
            "nested": [[], [1]],
            "object": {"list": ["x", {"y": 1}]},
        });
        let expected = r#"{
  "counts": [1, 2.5, -3],
  "findings": [
    {"message": "a", "row": 2, "rows": [[2, 51], [60, 60]]},
    {"column": "Due", "empty": [], "none": {}, "row": 13, "tags": ["x", "y"]}
  ],
  "nested": [[], [1]],
  "object": {
    "list": [
      "x",
      {"y": 1}
    ]
  }
}"#;
        let written = to_json(&value).unwrap();
        assert_eq!(written, expected);
        // Whatever the layout, it is the same JSON.
        let read: serde_json::Value = serde_json::from_str(&written).unwrap();
        assert_eq!(read, value);
        // Without arrays of numbers or of objects it is serde_json's own pretty printing.
        let plain = serde_json::json!({"a": ["b", "d"], "e": {"f": null, "g": true}});
        assert_eq!(
            to_json(&plain).unwrap(),
            serde_json::to_string_pretty(&plain).unwrap()
        );
    }
}
