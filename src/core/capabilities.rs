//! What Reve takes, read off the request's own serde types: the lists the demo, the command
//! line and the AI SDK provider show and check against, written once (in the types).

use serde::Serialize;
use tsify::Tsify;

use super::request::{AspectRatio, Model, WebhookEvent, PROMPT_MAX_UTF16};
use super::serde_names::names;

/// The values Reve's requests take.
#[derive(Debug, Clone, PartialEq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ReveCapabilities {
    /// The models this package serves (`model`, the AI SDK's model id).
    #[tsify(type = "Model[]")]
    pub models: &'static [&'static str],
    /// The 7 aspect ratios Reve renders (`reveParams.aspect_ratio`).
    #[tsify(type = "AspectRatio[]")]
    pub aspect_ratios: &'static [&'static str],
    /// The longest prompt, in UTF-16 units (JavaScript's `length`).
    pub prompt_max_length: usize,
    /// The events a webhook can receive (`webhookEvents`).
    #[tsify(type = "WebhookEvent[]")]
    pub webhook_events: &'static [&'static str],
}

pub fn capabilities() -> ReveCapabilities {
    ReveCapabilities {
        models: names::<Model>(),
        aspect_ratios: names::<AspectRatio>(),
        prompt_max_length: PROMPT_MAX_UTF16,
        webhook_events: names::<WebhookEvent>(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_the_types_values() {
        let c = capabilities();
        assert_eq!(c.aspect_ratios, ["16:9", "9:16", "3:2", "2:3", "4:3", "3:4", "1:1"]);
        assert_eq!((c.models, c.prompt_max_length), (&["reve-create"][..], 2000));
        assert_eq!(c.webhook_events, ["progress", "completed", "failed"]);
    }
}
