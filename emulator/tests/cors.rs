//! What every answer carries: CORS for browsers (preflight, exposed headers) and `x-request-id`.

mod common;

use common::Emulator;

#[tokio::test]
async fn cors_and_request_ids_on_every_answer() {
    let emu = Emulator::start(&[]);
    let res = emu
        .http
        .request(reqwest::Method::OPTIONS, emu.at("/v2/images/generate"))
        .header("origin", "http://localhost:5173")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "x-api-key,idempotency-key,content-type",
        )
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    let allow = res.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    for h in ["x-api-key", "idempotency-key", "content-type"] {
        assert!(allow.contains(h), "{allow}");
    }
    assert!(res.headers().contains_key("x-request-id"));
    let res = emu
        .http
        .get(emu.at("/v2/jobs"))
        .header("origin", "http://x.test")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let expose = res.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(expose.contains("retry-after") && expose.contains("x-request-id"));
    assert!(res.headers().contains_key("x-request-id"));
}
