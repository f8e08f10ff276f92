//! JavaScript values as the core's `decode` reads them: through serde-wasm-bindgen and, to find
//! the field of a failure, as copies with one field left out (`core::decode::Fields`).

use js_sys::{Object, Reflect};
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};

use super::args::{get, keys};
use super::host::json_stringify;
use crate::core::decode::Fields;

impl Fields for JsValue {
    fn read<T: DeserializeOwned>(&self) -> Result<T, String> {
        serde_wasm_bindgen::from_value(self.clone()).map_err(|e| e.to_string())
    }

    fn fields_at(&self, path: &[String]) -> Vec<String> {
        keys(path.iter().fold(self.clone(), |v, key| get(&v, key))).collect()
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

    fn shown_at(&self, path: &[String]) -> Option<String> {
        let at = path.iter().fold(self.clone(), |v, key| get(&v, key));
        if at.is_function() {
            return Some("a function".into());
        }
        match json_stringify(&at).ok().and_then(|j| j.as_string()) {
            Some(json) if at.is_string() => Some(format!("string {json}")),
            Some(json) => Some(json),
            // A BigInt or a symbol: its kind.
            None => at.js_typeof().as_string().map(|t| format!("a {t}")),
        }
    }
}
