//! What the host gives the module: its JSON (the module carries no JSON parser or printer), its
//! monotonic clock, promises awaited, the text of what it throws, and what its global scope
//! shows of the runtime (for the browser key guard).

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::args::get;
use crate::core::settings::GlobalSigns;

#[wasm_bindgen]
extern "C" {
    /// `JSON.parse`, on a JS string as it came (the module carries no JSON parser).
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    pub fn json_parse(text: &JsValue) -> Result<JsValue, JsValue>;

    /// `JSON.stringify`: JSON's own rules (undefined left out, `toJSON` honoured).
    #[wasm_bindgen(js_namespace = JSON, js_name = stringify, catch)]
    pub fn json_stringify(value: &JsValue) -> Result<JsValue, JsValue>;

    /// A monotonic clock in ms, for durations (the wall clock can jump).
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    pub fn now() -> f64;
}

/// A promise's outcome, awaited. `Promise.resolve` first: a caller's function may hand back
/// any value, and a thenable that throws becomes a rejection instead of an exception.
pub async fn settled(p: &JsValue) -> Result<JsValue, JsValue> {
    settling(p).await
}

/// `settled`'s future, its handlers attached now: a rejection that comes after the future is
/// dropped unpolled (a race already lost) is handled, never an unhandled rejection.
pub fn settling(p: &JsValue) -> JsFuture {
    JsFuture::from(Promise::resolve(p))
}

/// The text of a thrown JS value, for messages. Never used on header operations, whose
/// errors can quote the header's value.
pub fn describe(e: &JsValue) -> String {
    let msg = get(e, "message").as_string().or_else(|| e.as_string()).unwrap_or_default();
    match get(&get(e, "cause"), "code").as_string() {
        Some(c) if !msg.contains(&c) => format!("{msg} ({c})"),
        _ => msg,
    }
}

/// The global scope's signs of a browser, for `core::settings::in_browser`: `document`,
/// whether the global is a `WorkerGlobalScope`, and `navigator.userAgent`.
pub fn global_signs() -> GlobalSigns {
    let global = js_sys::global();
    // `global instanceof WorkerGlobalScope`, through the prototype chain.
    let scope = get(&global, "WorkerGlobalScope");
    let prototype = scope.dyn_ref::<Function>().map(|scope| get(scope, "prototype"));
    let worker_scope = prototype.as_ref().and_then(|p| p.dyn_ref::<Object>()).is_some_and(|p| p.is_prototype_of(&global));
    GlobalSigns {
        document: Reflect::has(&global, &JsValue::from_str("document")).unwrap_or(false),
        worker_scope,
        user_agent: get(&get(&global, "navigator"), "userAgent").as_string(),
    }
}
