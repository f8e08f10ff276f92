//! Building messages without `core::fmt`. `format!` would pull the formatting machinery (and
//! float printing) into the WebAssembly module, tens of kilobytes; `cat!` only appends.

pub use alloc::string::String;

/// A piece of text `cat!` can append.
pub trait Piece {
    fn put(&self, out: &mut String);
}

impl Piece for str {
    fn put(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for String {
    fn put(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for char {
    fn put(&self, out: &mut String) {
        out.push(*self);
    }
}

impl<T: Piece + ?Sized> Piece for &T {
    fn put(&self, out: &mut String) {
        (**self).put(out);
    }
}

macro_rules! unsigned_piece {
    ($($t:ty),*) => {$(
        impl Piece for $t {
            fn put(&self, out: &mut String) {
                push_u64(out, *self as u64);
            }
        }
    )*};
}
unsigned_piece!(u8, u16, u32, u64, usize);

impl Piece for i64 {
    fn put(&self, out: &mut String) {
        if *self < 0 {
            out.push('-');
        }
        push_u64(out, self.unsigned_abs());
    }
}

/// Concatenates pieces (`&str`, `String`, `char`, integers) into a new `String`.
#[macro_export]
macro_rules! cat {
    ($($piece:expr),* $(,)?) => {{
        let mut out = $crate::core::text::String::new();
        $( $crate::core::text::Piece::put(&$piece, &mut out); )*
        out
    }};
}

/// `items` with `sep` between them (`[T]::join` brings a large specialised copy loop per type).
pub fn join<S: AsRef<str>>(items: &[S], sep: &str) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(item.as_ref());
    }
    out
}

/// Whether `haystack` holds `needle` (byte-wise; `str::contains` with a `&str` pattern brings
/// the two-way searcher and a panic path that prints chars).
pub fn contains(haystack: &str, needle: &str) -> bool {
    needle.is_empty()
        || haystack
            .as_bytes()
            .windows(needle.len())
            .any(|w| w == needle.as_bytes())
}

/// Appends `n` in decimal.
pub fn push_u64(out: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &b in &buf[i..] {
        out.push(b as char);
    }
}

/// Appends `b` as two hexadecimal digits.
pub fn push_hex(out: &mut String, b: u8, upper: bool) {
    let digits = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    out.push(digits[usize::from(b >> 4)] as char);
    out.push(digits[usize::from(b & 15)] as char);
}

/// A number for a message, as JavaScript would print the common cases (`2`, `2.5`, `0.125`):
/// whole numbers exactly, others to six decimals at most, huge or tiny ones as `1.5e+300`.
pub fn show_number(x: f64) -> String {
    let mut out = String::new();
    if x.is_nan() {
        out.push_str("NaN");
        return out;
    }
    if x < 0.0 {
        out.push('-');
    }
    let a = if x < 0.0 { -x } else { x };
    if a == f64::INFINITY {
        out.push_str("Infinity");
        return out;
    }
    if a != 0.0 && !(1e-6..1e21).contains(&a) {
        let (mut m, mut e) = (a, 0i64);
        while m >= 10.0 {
            m /= 10.0;
            e += 1;
        }
        while m < 1.0 {
            m *= 10.0;
            e -= 1;
        }
        push_fixed(&mut out, m);
        out.push_str(if e < 0 { "e-" } else { "e+" });
        push_u64(&mut out, e.unsigned_abs());
        return out;
    }
    push_fixed(&mut out, a);
    out
}

/// `a` (finite, 0 <= a < 1e21) with at most six decimals, trailing zeros dropped.
fn push_fixed(out: &mut String, a: f64) {
    let mut whole = a as u64;
    let mut micros = ((a - whole as f64) * 1e6 + 0.5) as u64;
    if micros >= 1_000_000 {
        whole += 1;
        micros -= 1_000_000;
    }
    push_u64(out, whole);
    if micros > 0 {
        out.push('.');
        let mut digits = [0u8; 6];
        for d in digits.iter_mut().rev() {
            *d = b'0' + (micros % 10) as u8;
            micros /= 10;
        }
        let used = 6 - digits.iter().rev().take_while(|&&d| d == b'0').count();
        for &d in &digits[..used] {
            out.push(d as char);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concatenates_text_and_integers() {
        let name = String::from("seed");
        assert_eq!(
            cat!(
                "a ",
                name,
                ' ',
                42u16,
                " ",
                -7i64,
                " ",
                0usize,
                " ",
                u64::MAX
            ),
            "a seed 42 -7 0 18446744073709551615"
        );
        let mut s = String::new();
        push_hex(&mut s, 0xaf, false);
        push_hex(&mut s, 0x0b, true);
        assert_eq!(s, "af0B");
        assert_eq!(join(&["a", "b", "c"], ", "), "a, b, c");
        assert_eq!(join::<String>(&[], ", "), "");
        assert_eq!(join(&[String::from("x")], "&"), "x");
        assert!(contains("connect ECONNREFUSED", "ECONNREFUSED"));
        assert!(contains("abc", ""));
        assert!(!contains("ab", "abc"));
        assert!(!contains("fetch failed", "ECONNRESET"));
    }

    #[test]
    fn numbers_print_like_javascript_for_the_common_cases() {
        for (x, shown) in [
            (0.0, "0"),
            (2.0, "2"),
            (2.5, "2.5"),
            (-0.125, "-0.125"),
            (3_600_000.0, "3600000"),
            (9_007_199_254_740_991.0, "9007199254740991"),
            (0.1, "0.1"),
            (1.9999999, "2"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-Infinity"),
        ] {
            assert_eq!(show_number(x), shown);
        }
        assert!(show_number(f64::MAX).starts_with("1.797693e+308"));
        assert!(show_number(1e-9).ends_with("e-9"));
    }
}
