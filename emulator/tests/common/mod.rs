//! Starts the real `apiframe-emulator` binary and checks answers against the OpenAPI excerpt.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

pub const KEY: &str = "afk_local_dev";

pub struct Emulator {
    child: Child,
    pub url: String,
    pub http: reqwest::Client,
}

impl Emulator {
    pub fn start(args: &[&str]) -> Emulator {
        let mut child = Command::new(env!("CARGO_BIN_EXE_apiframe-emulator"))
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start emulator");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .expect("ready line")
            .to_string();
        Emulator {
            child,
            url,
            http: reqwest::Client::new(),
        }
    }

    pub fn at(&self, path: &str) -> String {
        format!("{}{}", self.url, path)
    }

    pub async fn submit(&self, body: Value) -> reqwest::Response {
        self.submit_as(KEY, body).await
    }

    /// A submission with the key `key`.
    pub async fn submit_as(&self, key: &str, body: Value) -> reqwest::Response {
        self.http
            .post(self.at("/v2/images/generate"))
            .header("x-api-key", key)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn submit_ok(&self, body: Value) -> String {
        let res = self.submit(body).await;
        assert_eq!(res.status(), 202);
        let v = json_of(res, "JobAccepted").await;
        v["jobId"].as_str().unwrap().to_string()
    }

    /// `GET path` with an API key.
    pub async fn get(&self, path: &str, key: &str) -> reqwest::Response {
        self.http
            .get(self.at(path))
            .header("x-api-key", key)
            .send()
            .await
            .unwrap()
    }

    pub async fn job(&self, id: &str) -> Value {
        let res = self.get(&format!("/v2/jobs/{id}"), KEY).await;
        assert_eq!(res.status(), 200);
        json_of(res, "Job").await
    }

    /// Polls every 50 ms until a final status; returns every distinct snapshot seen.
    pub async fn until_final(&self, id: &str) -> Vec<Value> {
        let mut seen: Vec<Value> = Vec::new();
        for _ in 0..400 {
            let job = self.job(id).await;
            let status = job["status"].as_str().unwrap().to_string();
            if seen
                .last()
                .is_none_or(|l| l["status"] != job["status"] || l["progress"] != job["progress"])
            {
                seen.push(job);
            }
            if ["COMPLETED", "FAILED", "CANCELLED"].contains(&status.as_str()) {
                return seen;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("job {id} never finished");
    }

    /// Runs a job to completion and returns its image's URL.
    pub async fn file_url(&self) -> String {
        let id = self
            .submit_ok(serde_json::json!({"prompt": "a file", "model": "reve-create"}))
            .await;
        let done = self.until_final(&id).await.pop().unwrap();
        assert_eq!(done["status"], "COMPLETED");
        done["result"]["images"][0].as_str().unwrap().to_string()
    }

    pub async fn control(&self, path: &str, body: Value) -> Value {
        let res = self
            .http
            .post(self.at(path))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "{path}: {}", res.status());
        res.json().await.unwrap()
    }

    /// `GET` of a control route (`/__emulator/...`), its JSON.
    pub async fn control_get(&self, path: &str) -> Value {
        self.http.get(self.at(path)).send().await.unwrap().json().await.unwrap()
    }

    pub async fn stats(&self) -> Value {
        self.control_get("/__emulator/stats").await
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A valid submission with a ratio and a seed.
pub fn req(prompt: &str, ratio: &str, seed: i64) -> Value {
    serde_json::json!({"prompt": prompt, "model": "reve-create", "reveParams": {"aspect_ratio": ratio, "seed": seed}})
}

/// Width and height from a PNG's IHDR chunk (asserting the PNG signature).
pub fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    (
        u32::from_be_bytes(bytes[16..20].try_into().unwrap()),
        u32::from_be_bytes(bytes[20..24].try_into().unwrap()),
    )
}

fn spec() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../spec/apiframe-openapi-reve.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Validates `value` against `#/components/schemas/{name}` of the OpenAPI excerpt, formats included.
pub fn assert_schema(name: &str, value: &Value) {
    let mut root = spec();
    root["$ref"] = Value::String(format!("#/components/schemas/{name}"));
    root["$schema"] = Value::String("https://json-schema.org/draft/2020-12/schema".into());
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&root)
        .expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "{name} schema violations: {errors:?}\nin {value:#}"
    );
}

/// Reads the JSON body (checking it is JSON and carries `x-request-id`) and checks the schema.
pub async fn json_of(res: reqwest::Response, schema: &str) -> Value {
    assert!(
        res.headers().contains_key("x-request-id"),
        "no x-request-id"
    );
    let ct = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    assert!(ct.starts_with("application/json"), "content-type {ct}");
    let v: Value = res.json().await.unwrap();
    assert_schema(schema, &v);
    v
}
