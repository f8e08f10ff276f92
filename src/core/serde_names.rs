//! The names a serde type reads: a struct's field names or an enum's variant names, as serde
//! itself declares them (renames applied). The closed-object checks and the lists of allowed
//! values come from here, so each list is written once, in the type.

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// What the introspecting deserializer caught.
#[derive(Debug)]
struct Caught(&'static [&'static str]);

impl std::fmt::Display for Caught {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("names caught")
    }
}

impl std::error::Error for Caught {}

impl de::Error for Caught {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Caught(&[])
    }
}

/// A deserializer that reads nothing: asked for a struct or an enum, it reports the names
/// it was given.
struct Introspect;

impl<'de> Deserializer<'de> for Introspect {
    type Error = Caught;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Caught> {
        Err(Caught(&[]))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Caught> {
        Err(Caught(fields))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        variants: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Caught> {
        Err(Caught(variants))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map identifier ignored_any
    }
}

/// The field names of struct `T`, or the variant names of enum `T`; empty for other types.
pub fn names<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    match T::deserialize(Introspect) {
        Err(Caught(names)) => names,
        Ok(_) => &[],
    }
}

/// The serde name of variant number `index` of enum `T` (`Scope::Team as usize` gives
/// `"team"`); empty if there is none, so it never panics.
pub fn variant_name<'de, T: Deserialize<'de>>(index: usize) -> &'static str {
    names::<T>().get(index).copied().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    struct S {
        api_key: String,
        #[serde(rename = "webhook_url")]
        snake: Option<String>,
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    enum E {
        #[serde(rename = "16:9")]
        Wide,
        #[serde(rename = "1:1")]
        Square,
    }

    #[test]
    fn reads_fields_and_variants_with_renames() {
        assert_eq!(names::<S>(), ["apiKey", "webhook_url"]);
        assert_eq!(names::<E>(), ["16:9", "1:1"]);
        assert!(names::<String>().is_empty());
        assert_eq!((variant_name::<E>(1), variant_name::<E>(9)), ("1:1", ""));
    }
}
