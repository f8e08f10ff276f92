//! `reveCapabilities`: the values Reve's requests take, for the demo, the command line and
//! any form, from the request's own types (`core::capabilities`).

use wasm_bindgen::prelude::*;

use super::js_error::to_js;
use crate::core::capabilities::capabilities;

/// The values Reve's requests take, from the request's own types: `{ models, aspectRatios,
/// promptMaxLength, webhookEvents }`.
#[wasm_bindgen(js_name = reveCapabilities, unchecked_return_type = "ReveCapabilities")]
pub fn reve_capabilities() -> JsValue {
    to_js(&capabilities())
}
