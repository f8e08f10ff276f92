//! JavaScript values as the core's `decode` reads them: through serde-wasm-bindgen and, to find
//! the field of a failure, as small copies (`core::field_search::Fields`).

use js_sys::{Array, Object, Reflect};
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};

use super::args::get;
use super::host::json_stringify;
use crate::core::field_search::Fields;

/// The value at `path`, read as serde-wasm-bindgen reads a field (`obj[key]`: inherited ones
/// too).
fn at(value: &JsValue, path: &[String]) -> JsValue {
    path.iter().fold(value.clone(), |v, key| get(&v, key))
}

fn plain_object(v: &JsValue) -> bool {
    v.is_object() && !Array::is_array(v)
}

/// serde-wasm-bindgen's error as text: one function for every type read.
#[inline(never)]
fn message(e: serde_wasm_bindgen::Error) -> String {
    e.to_string()
}

impl Fields for JsValue {
    fn read<T: DeserializeOwned>(&self) -> Result<T, String> {
        serde_wasm_bindgen::from_value(self.clone()).map_err(message)
    }

    fn fields_at(&self, path: &[String]) -> Option<Vec<String>> {
        let v = at(self, path);
        // Own keys, `undefined` values included: serde reads those as given.
        plain_object(&v).then(|| Object::keys(v.unchecked_ref::<Object>()).iter().filter_map(|k| k.as_string()).collect())
    }

    fn without(&self, path: &[String]) -> Self {
        let Some((key, rest)) = path.split_first() else {
            return self.clone();
        };
        if !self.is_object() {
            return self.clone();
        }
        // A shallow copy at each level of the path: the caller's objects are left as they are.
        let copy: JsValue = Object::assign(&Object::new(), self.unchecked_ref()).into();
        let name = JsValue::from_str(key);
        if rest.is_empty() {
            let _ = Reflect::delete_property(copy.unchecked_ref::<Object>(), &name);
        } else {
            let _ = Reflect::set(&copy, &name, &get(self, key).without(rest));
        }
        copy
    }

    fn only(&self, path: &[String], emptied: bool) -> Self {
        let mut value: JsValue = if emptied { Object::new().into() } else { at(self, path) };
        for key in path.iter().rev() {
            let parent: JsValue = Object::new().into();
            let _ = Reflect::set(&parent, &JsValue::from_str(key), &value);
            value = parent;
        }
        value
    }

    fn shown_at(&self, path: &[String]) -> Option<String> {
        let v = at(self, path);
        if v.is_function() {
            return Some("a function".into());
        }
        match json_stringify(&v).ok().and_then(|j| j.as_string()) {
            Some(json) if v.is_string() => Some(format!("string {json}")),
            Some(json) => Some(json),
            // A BigInt or a symbol: its kind.
            None => v.js_typeof().as_string().map(|t| format!("a {t}")),
        }
    }
}
