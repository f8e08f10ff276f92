//! The TypeScript types that no Rust type carries: the webhook events as a union the caller
//! can narrow on `event`. Every other type of the API comes from the serde types (tsify).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** A job event the service POSTs to `webhookUrl`. Duplicates and reordering happen. */
export type WebhookPayload =
  | { event: "progress"; jobId: string; status: "PROCESSING"; progress: number; model: string }
  | { event: "completed"; jobId: string; status: "COMPLETED"; progress: number; result: unknown; model: string; creditCost: number; completedAt: string }
  | { event: "failed"; jobId: string; status: "FAILED" | "CANCELLED"; error: string; model: string };
"#;
