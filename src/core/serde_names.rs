//! The names a serde type reads: a struct's field names or an enum's variant names, as serde
//! itself declares them (renames applied); and the name serde writes for one variant. The closed-object checks and the lists of allowed
//! values come from here, so each list is written once, in the type.

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser;

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

/// The serde name of a unit variant, as serde itself writes it (`AspectRatio::Square` gives
/// `"1:1"`, `Scope::Team` gives `"team"`); empty for a value that is not a unit variant.
pub fn variant_name<T: serde::Serialize>(value: &T) -> &'static str {
    value.serialize(VariantName).unwrap_or("")
}

/// A serializer that accepts only a unit variant and hands back its name.
struct VariantName;

type Refused = ser::Impossible<&'static str, Caught>;

impl ser::Error for Caught {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Caught(&[])
    }
}

impl ser::Serializer for VariantName {
    type Ok = &'static str;
    type Error = Caught;
    type SerializeSeq = Refused;
    type SerializeTuple = Refused;
    type SerializeTupleStruct = Refused;
    type SerializeTupleVariant = Refused;
    type SerializeMap = Refused;
    type SerializeStruct = Refused;
    type SerializeStructVariant = Refused;

    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<&'static str, Caught> {
        Ok(variant)
    }

    fn serialize_bool(self, _: bool) -> Result<&'static str, Caught> { Err(Caught(&[])) }
    fn serialize_i8(self, _: i8) -> Result<&'static str, Caught> { Err(Caught(&[])) }
    fn serialize_i16(self, _: i16) -> Result<&'static str, Caught> { Err(Caught(&[])) }
    fn serialize_i32(self, _: i32) -> Result<&'static str, Caught> { Err(Caught(&[])) }
    fn serialize_i64(self, _: i64) -> Result<&'static str, Caught> { Err(Caught(&[])) }
    fn serialize_u8(self, _: u8) -> Result<&'static str, Caught> { Err(Caught(&[])) }
    fn serialize_u16(self, _: u16) -> Result<&'static str, Caught> { Err(Caught(&[])) }
    fn serialize_u32(self, _: u32) -> Result<&'static str, Caught> { Err(Caught(&[])) }
    fn serialize_u64(self, _: u64) -> Result<&'static str, Caught> { Err(Caught(&[])) }
    fn serialize_f32(self, _: f32) -> Result<&'static str, Caught> { Err(Caught(&[])) }
    fn serialize_f64(self, _: f64) -> Result<&'static str, Caught> { Err(Caught(&[])) }
    fn serialize_char(self, _: char) -> Result<&'static str, Caught> { Err(Caught(&[])) }
    fn serialize_str(self, _: &str) -> Result<&'static str, Caught> { Err(Caught(&[])) }
    fn serialize_bytes(self, _: &[u8]) -> Result<&'static str, Caught> { Err(Caught(&[])) }
    fn serialize_none(self) -> Result<&'static str, Caught> { Err(Caught(&[])) }
    fn serialize_some<T: ?Sized + serde::Serialize>(self, _: &T) -> Result<&'static str, Caught> { Err(Caught(&[])) }
    fn serialize_unit(self) -> Result<&'static str, Caught> { Err(Caught(&[])) }
    fn serialize_unit_struct(self, _: &'static str) -> Result<&'static str, Caught> { Err(Caught(&[])) }
    fn serialize_newtype_struct<T: ?Sized + serde::Serialize>(self, _: &'static str, _: &T) -> Result<&'static str, Caught> { Err(Caught(&[])) }
    fn serialize_newtype_variant<T: ?Sized + serde::Serialize>(self, _: &'static str, _: u32, _: &'static str, _: &T) -> Result<&'static str, Caught> { Err(Caught(&[])) }
    fn serialize_seq(self, _: Option<usize>) -> Result<Refused, Caught> { Err(Caught(&[])) }
    fn serialize_tuple(self, _: usize) -> Result<Refused, Caught> { Err(Caught(&[])) }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Refused, Caught> { Err(Caught(&[])) }
    fn serialize_tuple_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> Result<Refused, Caught> { Err(Caught(&[])) }
    fn serialize_map(self, _: Option<usize>) -> Result<Refused, Caught> { Err(Caught(&[])) }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Refused, Caught> { Err(Caught(&[])) }
    fn serialize_struct_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> Result<Refused, Caught> { Err(Caught(&[])) }
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

    #[derive(Deserialize, serde::Serialize)]
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
        assert_eq!((variant_name(&E::Square), variant_name(&E::Wide)), ("1:1", "16:9"));
        assert_eq!(variant_name(&"not a variant"), "");
    }

    /// Every variant of every enum the library names: read from its name, then named again.
    fn round_trips<T: serde::Serialize + serde::de::DeserializeOwned>() {
        let all = names::<T>();
        assert!(!all.is_empty());
        for name in all {
            let value = T::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(name)).unwrap();
            assert_eq!(variant_name(&value), *name);
        }
    }

    #[test]
    fn every_variant_is_named_as_serde_names_it() {
        use crate::core::{error::ErrorCode, job::JobStatus, list_params::Scope, request};
        round_trips::<ErrorCode>();
        round_trips::<JobStatus>();
        round_trips::<Scope>();
        round_trips::<request::Model>();
        round_trips::<request::AspectRatio>();
        round_trips::<request::WebhookEvent>();
    }
}
