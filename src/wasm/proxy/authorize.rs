//! Who is calling: the app's `authorize(request)` called and awaited, its answer handed to the
//! core as it was seen.

use js_sys::Function;
use wasm_bindgen::JsValue;
use web_sys::Request as JsRequest;

use crate::core::proxy::{self, Caller, Verdict};
use crate::wasm::host::settled;

/// The caller of `req`, as the core reads what `authorize` said (or that there is none).
pub(super) async fn caller(authorize: Option<&Function>, allow_anonymous: bool, req: &JsRequest) -> Caller {
    let Some(authorize) = authorize else {
        return proxy::caller(Verdict::Absent { allow_anonymous });
    };
    let answer = match authorize.call1(&JsValue::UNDEFINED, req) {
        Ok(pending) => settled(&pending).await,
        Err(thrown) => Err(thrown),
    };
    let Ok(v) = answer else {
        return proxy::caller(Verdict::Threw);
    };
    let text = v.as_string();
    let kind = v.js_typeof().as_string().unwrap_or_default();
    proxy::caller(match (v.as_bool(), &text) {
        (Some(b), _) => Verdict::Bool(b),
        (_, Some(t)) => Verdict::Text(t),
        _ if v.is_undefined() || v.is_null() => Verdict::Nullish,
        _ => Verdict::Other(&kind),
    })
}
