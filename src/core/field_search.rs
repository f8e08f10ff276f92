//! Which field a serde failure comes from. serde's derive does not say, so it is found by
//! reading small copies of the caller's value: serde stops at the first field that fails, and
//! reports missing fields only after it has read all the others, so a field that fails alone
//! (the copy holds only it, and its parents) is the one. Each read is the one the type has
//! anyway (`fails_as`), so this adds no code per type; it runs only for an invalid value, and
//! reads at most [`MAX_PROBES`] copies, each of one field: a hostile body of thousands of keys
//! costs no more than a small one.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// How deep a failure's field is looked for (a request is two levels deep).
const MAX_DEPTH: usize = 4;

/// How many copies are read at the most.
pub const MAX_PROBES: usize = 48;

/// A caller's value as `core::decode` reads it: through serde and, to find the field of a
/// failure, as small copies. JavaScript values in the wasm layer (src/wasm/js_fields.rs),
/// `serde_json::Value` natively.
pub trait Fields: Sized {
    /// The value read as `T`, or serde's message saying why not.
    fn read<T: DeserializeOwned>(&self) -> Result<T, String>;
    /// The own fields of the object at `path` (`[]`: the value itself), set or `undefined`;
    /// `None` when it is not a plain object (an array, a string, nothing).
    fn fields_at(&self, path: &[String]) -> Option<Vec<String>>;
    /// A copy with the field at `path` left out.
    fn without(&self, path: &[String]) -> Self;
    /// A copy that holds only the field at `path` and its parents, each with that one field;
    /// the field's value is an empty object when `emptied`.
    fn only(&self, path: &[String], emptied: bool) -> Self;
    /// The value at `path` as a message shows what was given: a string as `string "..."`,
    /// anything else as JSON writes it. For serde's texts that the module leaves blank (it is
    /// built with `-Zfmt-debug=none`, and serde shows strings and JS objects with `Debug`).
    fn shown_at(&self, path: &[String]) -> Option<String>;
}

/// The path of the field `message` (serde's) comes from; `[]` when none is found. A missing
/// field's message ends at its parent, the object missing it. Array indices are left out
/// (`webhookEvents[2]` is `webhookEvents`).
pub fn locate<S: Fields>(source: &S, message: &str, fails_as: &dyn Fn(&S) -> Option<String>) -> Vec<String> {
    let missing = message.contains("missing field `");
    let fails_same = |copy: S| fails_as(&copy).as_deref() == Some(message);
    let mut path = Vec::new();
    let mut keys = source.fields_at(&path).unwrap_or_default();
    let mut probes = 0;
    'down: while path.len() < MAX_DEPTH {
        for key in std::mem::take(&mut keys) {
            let mut inner = path.clone();
            inner.push(key);
            probes += 1;
            if probes > MAX_PROBES {
                break 'down;
            }
            if missing {
                // The object missing the field: leaving it out changes the message.
                if let Some(inner_keys) = source.fields_at(&inner) {
                    if !fails_same(source.without(&inner)) {
                        (path, keys) = (inner, inner_keys);
                        continue 'down;
                    }
                }
            } else if fails_same(source.only(&inner, false)) {
                // It fails alone. For its own shape (an object where a string belongs), or for a
                // field inside it? Emptied, it fails the same way only for its shape.
                match source.fields_at(&inner) {
                    Some(inner_keys) if !fails_same(source.only(&inner, true)) => {
                        (path, keys) = (inner, inner_keys);
                        continue 'down;
                    }
                    _ => return inner,
                }
            }
        }
        break;
    }
    path
}

/// The value at `path` in `value`, if there is one.
fn at<'a>(value: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(value, |v, key| v.get(key))
}

/// JSON values, natively: the tests, the fuzz targets and the proxy's policy tests.
impl Fields for Value {
    fn read<T: DeserializeOwned>(&self) -> Result<T, String> {
        T::deserialize(self).map_err(|e| e.to_string())
    }

    fn fields_at(&self, path: &[String]) -> Option<Vec<String>> {
        at(self, path)?.as_object().map(|o| o.keys().cloned().collect())
    }

    fn without(&self, path: &[String]) -> Self {
        let mut copy = self.clone();
        if let Some((last, parents)) = path.split_last() {
            let parent = parents.iter().try_fold(&mut copy, |v, key| v.get_mut(key));
            if let Some(Value::Object(o)) = parent {
                o.remove(last);
            }
        }
        copy
    }

    fn only(&self, path: &[String], emptied: bool) -> Self {
        let mut value = match (emptied, at(self, path)) {
            (false, Some(v)) => v.clone(),
            _ => Value::Object(Map::new()),
        };
        for key in path.iter().rev() {
            let mut parent = Map::new();
            parent.insert(key.clone(), value);
            value = Value::Object(parent);
        }
        value
    }

    fn shown_at(&self, path: &[String]) -> Option<String> {
        Some(match at(self, path)? {
            Value::String(s) => format!("string {}", Value::from(s.as_str())),
            other => other.to_string(),
        })
    }
}
