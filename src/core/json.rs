//! JSON for the protocol, without serde: parsed and printed with no `core::fmt` and no float
//! parsing or printing tables, which would cost the WebAssembly module tens of kilobytes.
//! Numbers keep their source text, so a number passes through exactly as it came; objects keep
//! their key order and, like `JSON.parse`, the last value of a repeated key.

use alloc::string::String;
use alloc::vec::Vec;

/// Nesting deeper than this is refused (as serde_json does), so hostile input cannot exhaust
/// the stack.
pub const MAX_DEPTH: usize = 128;

/// A JSON value.
#[derive(Debug, Clone)]
pub enum Value {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Value>),
    Object(Map),
}

/// A JSON number, as its (valid) source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number(String);

/// A JSON object: keys in order, each once.
#[derive(Debug, Clone, Default)]
pub struct Map(Vec<(String, Value)>);

/// Why a text is not JSON, and where (a byte offset).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub offset: usize,
    pub what: &'static str,
}

static NULL: Value = Value::Null;

impl Map {
    pub fn new() -> Map {
        Map(Vec::new())
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Sets `key`, keeping its place if it was there.
    pub fn insert(&mut self, key: &str, value: Value) {
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key.into(), value)),
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let i = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.remove(i).1)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// Keeps the entries `keep` accepts.
    pub fn retain(&mut self, mut keep: impl FnMut(&str, &Value) -> bool) {
        self.0.retain(|(k, v)| keep(k, v));
    }
}

impl PartialEq for Map {
    /// Same keys with equal values, in any order.
    fn eq(&self, other: &Map) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Array(a), Value::Array(b)) => a == b,
            (Value::Object(a), Value::Object(b)) => a == b,
            _ => false,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.into())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}

impl From<u64> for Value {
    fn from(n: u64) -> Value {
        Value::Number(Number(cat!(n)))
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::Number(Number(cat!(n)))
    }
}

impl From<f64> for Value {
    /// A finite double as a number (printed as `text::show_number` does), else `null`.
    fn from(x: f64) -> Value {
        if x.is_finite() {
            Value::Number(Number(super::text::show_number(x)))
        } else {
            Value::Null
        }
    }
}

impl From<Map> for Value {
    fn from(m: Map) -> Value {
        Value::Object(m)
    }
}

impl From<Vec<Value>> for Value {
    fn from(items: Vec<Value>) -> Value {
        Value::Array(items)
    }
}

impl Value {
    /// An array of strings.
    pub fn strings(items: &[&str]) -> Value {
        Value::Array(items.iter().map(|s| Value::from(*s)).collect())
    }

    /// An object from key/value pairs.
    pub fn object<const N: usize>(pairs: [(&str, Value); N]) -> Value {
        let mut m = Map::new();
        for (k, v) in pairs {
            m.insert(k, v);
        }
        Value::Object(m)
    }

    /// A member of an object (`None` for other values).
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object()?.get(key)
    }

    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        self.as_number().map(Number::as_f64)
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn is_string(&self) -> bool {
        matches!(self, Value::String(_))
    }

    pub fn is_array(&self) -> bool {
        matches!(self, Value::Array(_))
    }

    /// The value as JSON text.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    /// Appends the value as JSON text.
    pub fn write(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => out.push_str(&n.0),
            Value::String(s) => write_string(out, s),
            Value::Array(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write(out);
                }
                out.push(']');
            }
            Value::Object(m) => {
                out.push('{');
                for (i, (k, v)) in m.0.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(out, k);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

impl ::core::ops::Index<&str> for Value {
    type Output = Value;

    /// `value["key"]`, `null` when absent.
    fn index(&self, key: &str) -> &Value {
        self.get(key).unwrap_or(&NULL)
    }
}

impl ::core::ops::Index<usize> for Value {
    type Output = Value;

    /// `value[i]`, `null` when absent.
    fn index(&self, i: usize) -> &Value {
        match self {
            Value::Array(items) => items.get(i).unwrap_or(&NULL),
            _ => &NULL,
        }
    }
}

/// Appends `s` as a JSON string literal.
pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                super::text::push_hex(out, c as u8, false);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Exact powers of ten as `f64`.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The parts of a number's text: sign, integer digits, fraction digits, exponent (saturated).
fn split(text: &str) -> (bool, &[u8], &[u8], i64) {
    let b = text.as_bytes();
    let neg = b.first() == Some(&b'-');
    let b = if neg { &b[1..] } else { b };
    let int_end = b
        .iter()
        .position(|c| !c.is_ascii_digit())
        .unwrap_or(b.len());
    let (int, rest) = b.split_at(int_end);
    let (frac, rest) = match rest.strip_prefix(b".") {
        Some(r) => {
            let end = r
                .iter()
                .position(|c| !c.is_ascii_digit())
                .unwrap_or(r.len());
            r.split_at(end)
        }
        None => (&rest[..0], rest),
    };
    let mut exp: i64 = 0;
    if let Some(e) = rest.strip_prefix(b"e").or_else(|| rest.strip_prefix(b"E")) {
        let (eneg, digits) = match e.first() {
            Some(b'-') => (true, &e[1..]),
            Some(b'+') => (false, &e[1..]),
            _ => (false, e),
        };
        for d in digits {
            exp = (exp * 10 + i64::from(d - b'0')).min(1_000_000);
        }
        if eneg {
            exp = -exp;
        }
    }
    (neg, int, frac, exp)
}

impl Number {
    /// The source text.
    pub fn as_text(&self) -> &str {
        &self.0
    }

    /// The value as a double: exact for integers up to 2^53 and for short decimals, to about
    /// 1e-14 relative otherwise (progress and durations need no more).
    pub fn as_f64(&self) -> f64 {
        let (neg, int, frac, exp) = split(&self.0);
        let mut mantissa: u64 = 0;
        let mut scale = exp;
        for &d in int.iter().chain(frac) {
            if mantissa < 1_000_000_000_000_000_000 {
                mantissa = mantissa * 10 + u64::from(d - b'0');
            } else {
                scale += 1;
            }
        }
        scale -= frac.len() as i64;
        let mut v = mantissa as f64;
        if v != 0.0 {
            let mut s = scale.clamp(-800, 800);
            while s > 22 {
                v *= 1e22;
                s -= 22;
            }
            while s < -22 {
                v /= 1e22;
                s += 22;
            }
            if s >= 0 {
                v *= POW10[s as usize];
            } else {
                v /= POW10[(-s) as usize];
            }
        }
        if neg {
            -v
        } else {
            v
        }
    }

    /// The value as an `i64` when it is a whole number in range (`3`, `3.0`, `3e2`), exactly.
    pub fn as_i64(&self) -> Option<i64> {
        let (neg, int, frac, exp) = split(&self.0);
        let digits = || int.iter().chain(frac);
        let trailing_zeros = digits().rev().take_while(|&&d| d == b'0').count();
        let significant = int.len() + frac.len() - trailing_zeros;
        if significant == 0 || digits().take(significant).all(|&d| d == b'0') {
            return Some(0);
        }
        let scale = exp - frac.len() as i64 + trailing_zeros as i64;
        if !(0..=19).contains(&scale) {
            return None;
        }
        let mut n: i64 = 0;
        for &d in digits().take(significant) {
            let d = i64::from(d - b'0');
            n = n.checked_mul(10)?.checked_add(if neg { -d } else { d })?;
        }
        for _ in 0..scale {
            n = n.checked_mul(10)?;
        }
        Some(n)
    }
}

/// Parses a JSON text (one value, surrounded by optional whitespace). A lone surrogate escape
/// (`"\ud800"`, which `JSON.parse` accepts) reads as U+FFFD: answers are read leniently.
pub fn parse(text: &str) -> Result<Value, Error> {
    parse_with(text, false)
}

/// Parses like [`parse`], but refuses lone surrogates: what is sent on must not be altered.
pub fn parse_exact(text: &str) -> Result<Value, Error> {
    parse_with(text, true)
}

fn parse_with(text: &str, exact: bool) -> Result<Value, Error> {
    let mut p = Parser {
        s: text.as_bytes(),
        i: 0,
        depth: 0,
        exact,
    };
    p.ws();
    let v = p.value()?;
    p.ws();
    if p.i != p.s.len() {
        return Err(p.err("unexpected text after the value"));
    }
    Ok(v)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    depth: usize,
    exact: bool,
}

impl Parser<'_> {
    fn err(&self, what: &'static str) -> Error {
        Error {
            offset: self.i,
            what,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        let hit = self.peek() == Some(c);
        if hit {
            self.i += 1;
        }
        hit
    }

    fn word(&mut self, w: &[u8], v: Value) -> Result<Value, Error> {
        if self.s[self.i..].starts_with(w) {
            self.i += w.len();
            Ok(v)
        } else {
            Err(self.err("expected a value"))
        }
    }

    fn value(&mut self) -> Result<Value, Error> {
        match self.peek() {
            Some(b'{') | Some(b'[') => {
                if self.depth >= MAX_DEPTH {
                    return Err(self.err("nested too deeply"));
                }
                self.depth += 1;
                let v = if self.peek() == Some(b'{') {
                    self.object()
                } else {
                    self.array()
                };
                self.depth -= 1;
                v
            }
            Some(b'"') => self.string().map(Value::String),
            Some(b't') => self.word(b"true", Value::Bool(true)),
            Some(b'f') => self.word(b"false", Value::Bool(false)),
            Some(b'n') => self.word(b"null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.err("expected a value")),
            None => Err(self.err("unexpected end of text")),
        }
    }

    fn object(&mut self) -> Result<Value, Error> {
        self.i += 1;
        let mut m = Map::new();
        self.ws();
        if self.eat(b'}') {
            return Ok(Value::Object(m));
        }
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                return Err(self.err("expected a key"));
            }
            let k = self.string()?;
            self.ws();
            if !self.eat(b':') {
                return Err(self.err("expected ':'"));
            }
            self.ws();
            let v = self.value()?;
            m.insert(&k, v);
            self.ws();
            if self.eat(b'}') {
                return Ok(Value::Object(m));
            }
            if !self.eat(b',') {
                return Err(self.err("expected ',' or '}'"));
            }
        }
    }

    fn array(&mut self) -> Result<Value, Error> {
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.eat(b']') {
            return Ok(Value::Array(items));
        }
        loop {
            self.ws();
            items.push(self.value()?);
            self.ws();
            if self.eat(b']') {
                return Ok(Value::Array(items));
            }
            if !self.eat(b',') {
                return Err(self.err("expected ',' or ']'"));
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Result<Value, Error> {
        let start = self.i;
        self.eat(b'-');
        if self.eat(b'0') {
            if matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.err("leading zero in a number"));
            }
        } else if self.digits() == 0 {
            return Err(self.err("expected a digit"));
        }
        if self.eat(b'.') && self.digits() == 0 {
            return Err(self.err("expected a digit after '.'"));
        }
        if self.eat(b'e') || self.eat(b'E') {
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            if self.digits() == 0 {
                return Err(self.err("expected a digit in the exponent"));
            }
        }
        // The bytes are ASCII digits and signs: always UTF-8.
        let text = ::core::str::from_utf8(&self.s[start..self.i]).unwrap_or("0");
        Ok(Value::Number(Number(text.into())))
    }

    fn hex4(&mut self) -> Result<u32, Error> {
        let mut n = 0;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(c @ b'0'..=b'9') => c - b'0',
                Some(c @ b'a'..=b'f') => c - b'a' + 10,
                Some(c @ b'A'..=b'F') => c - b'A' + 10,
                _ => return Err(self.err("expected four hex digits after \\u")),
            };
            n = n * 16 + u32::from(d);
            self.i += 1;
        }
        Ok(n)
    }

    fn string(&mut self) -> Result<String, Error> {
        self.i += 1;
        let mut out = String::new();
        loop {
            let start = self.i;
            while matches!(self.peek(), Some(c) if c != b'"' && c != b'\\' && c >= 0x20) {
                self.i += 1;
            }
            // The input is a &str and the run stops only at ASCII bytes: a whole UTF-8 slice.
            out.push_str(::core::str::from_utf8(&self.s[start..self.i]).unwrap_or("\u{fffd}"));
            match self.peek() {
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    let c = self
                        .peek()
                        .ok_or_else(|| self.err("unexpected end of text"))?;
                    self.i += 1;
                    match c {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let at = self.i - 2;
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi)
                                && self.s[self.i..].starts_with(b"\\u")
                            {
                                let back = self.i;
                                self.i += 2;
                                let lo = self.hex4()?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                                } else {
                                    self.i = back;
                                    hi
                                }
                            } else {
                                hi
                            };
                            // A lone surrogate (legal in JavaScript strings) becomes U+FFFD,
                            // or is an error when the text must pass on unaltered.
                            match char::from_u32(code) {
                                Some(c) => out.push(c),
                                None if self.exact => {
                                    return Err(Error {
                                        offset: at,
                                        what: "lone surrogate (not valid Unicode)",
                                    })
                                }
                                None => out.push('\u{fffd}'),
                            }
                        }
                        _ => {
                            self.i -= 1;
                            return Err(self.err("unknown escape"));
                        }
                    }
                }
                Some(_) => return Err(self.err("control character in a string")),
                None => return Err(self.err("unterminated string")),
            }
        }
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Our value for a serde_json value (test fixtures are written with `json!`).
    pub fn j(v: serde_json::Value) -> Value {
        parse(&v.to_string()).unwrap()
    }

    #[test]
    fn round_trips_what_it_reads() {
        let text = r#"{"a":[1,-2.5e3,true,false,null],"b":{"c":"x\"y\\z\n\u0001é😀"},"a2":{}}"#;
        let v = parse(text).unwrap();
        assert_eq!(v.to_json(), text);
        assert_eq!(v["b"]["c"].as_str(), Some("x\"y\\z\n\u{1}é😀"));
        assert_eq!(v["missing"], Value::Null);
        assert_eq!(
            parse(" [ 1 , { \"k\" : [ ] } ] ").unwrap().to_json(),
            "[1,{\"k\":[]}]"
        );
    }

    #[test]
    fn repeated_keys_keep_the_last_value_like_json_parse() {
        let v = parse(r#"{"a":1,"b":2,"a":3}"#).unwrap();
        assert_eq!(v.to_json(), r#"{"a":3,"b":2}"#);
    }

    #[test]
    fn escapes_and_surrogates() {
        let text = r#""\ud83d\ude00 \u00e9 \/ \b\f\r\t \ud800x""#;
        let v = parse(text).unwrap();
        assert_eq!(v.as_str(), Some("😀 é / \u{8}\u{c}\r\t \u{fffd}x"));
        assert_eq!(parse_exact(text).unwrap_err().offset, 33);
        assert!(parse_exact(r#""\udc00""#).is_err());
        assert!(parse_exact(r#""\ud800\u0041""#).is_err());
        assert_eq!(
            parse_exact(r#""\ud83d\ude00""#).unwrap().as_str(),
            Some("😀")
        );
        assert_eq!(
            Value::from("\u{1f}\"").to_json(),
            "\"\\u001f\\\"\"".to_string()
        );
    }

    #[test]
    fn refuses_what_json_refuses() {
        for bad in [
            "",
            " ",
            "{",
            "[1,]",
            "{\"a\"}",
            "{\"a\":1,}",
            "01",
            "1.",
            ".5",
            "-",
            "1e",
            "+1",
            "\"\u{1}\"",
            "\"\\x\"",
            "\"\\u12\"",
            "tru",
            "nul",
            "[1] 2",
            "{a:1}",
            "'a'",
            "NaN",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert_eq!(parse(&deep).unwrap_err().what, "nested too deeply");
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        parse(&ok).unwrap();
        assert_eq!(parse("[1, x]").unwrap_err().offset, 4);
    }

    #[test]
    fn numbers_keep_their_text_and_read_exactly() {
        let n = |t: &str| parse(t).unwrap().as_number().unwrap().clone();
        assert_eq!(n("-0.50").as_text(), "-0.50");
        assert_eq!(n("3").as_i64(), Some(3));
        assert_eq!(n("3.0").as_i64(), Some(3));
        assert_eq!(n("3e2").as_i64(), Some(300));
        assert_eq!(n("-12.5e1").as_i64(), Some(-125));
        assert_eq!(n("1.5").as_i64(), None);
        assert_eq!(n("0.000").as_i64(), Some(0));
        assert_eq!(n("-0").as_i64(), Some(0));
        assert_eq!(n("9223372036854775807").as_i64(), Some(i64::MAX));
        assert_eq!(n("-9223372036854775808").as_i64(), Some(i64::MIN));
        assert_eq!(n("9223372036854775808").as_i64(), None);
        assert_eq!(n("1e300").as_i64(), None);
        assert_eq!(n("1e-300").as_i64(), None);
        assert_eq!(n("42").as_f64(), 42.0);
        assert_eq!(n("-2.5").as_f64(), -2.5);
        assert_eq!(n("0.1").as_f64(), 0.1);
        assert_eq!(n("1e400").as_f64(), f64::INFINITY);
        assert_eq!(n("1e-400").as_f64(), 0.0);
        assert_eq!(n("9007199254740993").as_f64(), 9007199254740992.0);
        for x in [0.0, -2.5, 3_600_000.0, f64::MAX, f64::MIN, 1e-9] {
            let shown = Value::from(x).to_json();
            assert!(parse(&shown).is_ok(), "{shown}");
        }
        assert_eq!(Value::from(f64::NAN), Value::Null);
        assert_eq!(
            Value::from(-9_007_199_254_740_991i64).to_json(),
            "-9007199254740991"
        );
        assert_eq!(Value::from(u64::MAX).to_json(), "18446744073709551615");
    }

    proptest! {
        #[test]
        fn agrees_with_serde_json(s in "[\\[\\]{}\",:0-9.eE+\\-a-z\\\\ ]{0,40}") {
            let ours = parse_exact(&s);
            match serde_json::from_str::<serde_json::Value>(&s) {
                Ok(theirs) => {
                    // Read back by serde_json, what we print is what it read: same strings,
                    // same number texts, the last of repeated keys.
                    let ours = ours.expect("serde_json accepted it");
                    let back: serde_json::Value = serde_json::from_str(&ours.to_json()).unwrap();
                    prop_assert_eq!(back, theirs);
                }
                Err(_) => prop_assert!(ours.is_err()),
            }
        }

        #[test]
        fn integers_and_doubles_read_like_serde_json(i in any::<i64>(), f in any::<f64>()) {
            let t = serde_json::Value::from(i).to_string();
            prop_assert_eq!(parse(&t).unwrap().as_number().unwrap().as_i64(), Some(i));
            if f.is_finite() && (f == 0.0 || f.abs() > 1e-290) {
                let t = serde_json::Value::from(f).to_string();
                let back = parse(&t).unwrap().as_f64().unwrap();
                prop_assert!((back - f).abs() <= f.abs() * 1e-13, "{} -> {}", t, back);
            }
        }

        #[test]
        fn strings_round_trip(s in any::<String>()) {
            let text = Value::from(s.as_str()).to_json();
            prop_assert_eq!(serde_json::from_str::<String>(&text).unwrap(), s.clone());
            prop_assert_eq!(parse(&text).unwrap(), Value::String(s));
        }
    }
}
