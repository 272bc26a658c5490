//! The text format in which `#[task]` hands a task's secrets and parameters to the runtime:
//! fields one after another, each `LEN:TEXT` with `LEN` its length in bytes, so any text
//! (`:` or NUL in a key included) goes through. One string literal per list costs rustc far
//! less, per task, than an array of calls or struct literals.

/// The fields, packed.
pub fn pack<'a>(fields: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for field in fields {
        out.push_str(&field.len().to_string());
        out.push(':');
        out.push_str(field);
    }
    out
}

/// The fields of a packed text, in order. Stops at the first one that is not well formed
/// (only `pack` writes these texts, so that is never).
pub fn unpack(packed: &str) -> Unpack<'_> {
    Unpack(packed)
}

/// See [`unpack`].
#[derive(Debug, Clone)]
pub struct Unpack<'a>(&'a str);

impl<'a> Iterator for Unpack<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let (len, rest) = self.0.split_once(':')?;
        let len: usize = len.parse().ok()?;
        let field = rest.get(..len)?;
        self.0 = &rest[len..];
        Some(field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip_whatever_they_hold() {
        let fields = ["key", "", "a:b", "12:x", "nul\0here", "é✓", ":"];
        let packed = pack(fields);
        assert_eq!(unpack(&packed).collect::<Vec<_>>(), fields);
        assert_eq!(pack(["ab", ""]), "2:ab0:");
    }

    #[test]
    fn a_malformed_text_ends_the_fields() {
        assert_eq!(unpack("3:abc9:short").collect::<Vec<_>>(), ["abc"]);
        assert_eq!(unpack("x:abc").count(), 0);
        // A length that would split a character.
        assert_eq!(unpack("1:é").count(), 0);
    }
}
