//! `optional_fields!`: the serde and tsify attributes of an optional field, written once here
//! rather than on every field of every options object and request type.

/// Writes the struct as given (its doc, derives and container attributes are the caller's),
/// giving each field the attributes of its form:
/// - `name: Option<T>`: optional; left out, it is `None`, and `None` is left out when written.
/// - `name: js "TS type"`: an optional JS value that crosses as it is
///   (`serde_wasm_bindgen::preserve`, `undefined` when left out), typed `TS type`; `args`
///   checks its shape.
/// - `pub name: T`: as written (a required field, or one with attributes of its own).
///
/// Attributes before a field (its doc, a `rename`) are kept. The fields stay plain fields, in
/// their order, so `names::<T>()` and tsify see each of them (`#[serde(flatten)]` would hide
/// them from both).
macro_rules! optional_fields {
    ($(#$attr:tt)* pub struct $name:ident { $($fields:tt)* }) => {
        optional_fields!(@ [$(#$attr)* pub struct $name] [] $($fields)*);
    };
    (@ [$($head:tt)*] [$($done:tt)*]) => {
        $($head)* { $($done)* }
    };
    (@ $head:tt [$($done:tt)*] $(#$a:tt)* pub $field:ident: $ty:ty, $($rest:tt)*) => {
        optional_fields!(@ $head [$($done)* $(#$a)* pub $field: $ty,] $($rest)*);
    };
    (@ $head:tt [$($done:tt)*] $(#$a:tt)* $field:ident: js $ts:literal, $($rest:tt)*) => {
        optional_fields!(@ $head [$($done)*
            $(#$a)*
            #[serde(default, with = "serde_wasm_bindgen::preserve")]
            #[tsify(optional, type = $ts)]
            pub $field: ::wasm_bindgen::JsValue,
        ] $($rest)*);
    };
    (@ $head:tt [$($done:tt)*] $(#$a:tt)* $field:ident: $ty:ty, $($rest:tt)*) => {
        optional_fields!(@ $head [$($done)*
            $(#$a)*
            #[serde(default, skip_serializing_if = "Option::is_none")]
            #[tsify(optional)]
            pub $field: $ty,
        ] $($rest)*);
    };
}
