//! The core's own JSON reader against serde_json: what one accepts the other accepts (`parse_exact`),
//! and what ours prints back serde_json reads as the same value; nothing panics either way.
#![no_main]

use apiframe_reve::core::json;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let ours = json::parse(text);
    if let Ok(v) = &ours {
        let printed = v.to_json();
        let again = json::parse(&printed).expect("what we print, we read");
        assert_eq!(&again, v);
        if let Some(n) = v.as_number() {
            let _ = (n.as_f64(), n.as_i64());
        }
    }
    let exact = json::parse_exact(text);
    assert!(exact.is_err() || exact == ours);
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(theirs) => {
            let ours = exact.expect("serde_json accepted it");
            let back: serde_json::Value = serde_json::from_str(&ours.to_json()).unwrap();
            assert_eq!(back, theirs);
        }
        // serde_json refuses numbers beyond f64 (`1e999`), which JSON.parse and ours accept;
        // its nesting limit is counted a little differently.
        Err(e) => assert!(
            exact.is_err() || ["recursion", "out of range"].iter().any(|m| e.to_string().contains(m)),
            "{text:?}: {e}"
        ),
    }
});
