//! A body past the limit is read to its end before the 413, so a client that sends all of it
//! (slowly, in chunks) still reads the whole answer, on a connection that stays open.

mod common;

use std::time::Duration;

use common::{Emulator, KEY};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const BODY: usize = 300 * 1024;
const CHUNK: usize = 16 * 1024;

#[tokio::test]
async fn a_slow_oversized_body_still_gets_its_413() {
    let emu = Emulator::start(&[]);
    let mut tcp = TcpStream::connect(emu.url.strip_prefix("http://").unwrap())
        .await
        .unwrap();
    let head = format!(
        "POST /v2/images/generate HTTP/1.1\r\nhost: emulator\r\nx-api-key: {KEY}\r\n\
         content-type: application/json\r\ncontent-length: {BODY}\r\n\r\n"
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    for _ in 0..BODY / CHUNK {
        tcp.write_all(&[b' '; CHUNK])
            .await
            .expect("the whole body is taken");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tcp.write_all(&vec![b' '; BODY % CHUNK]).await.unwrap();
    let got = answer(&mut tcp).await;
    assert!(got.starts_with("HTTP/1.1 413 "), "{got}");
    assert!(got.contains("larger than"), "{got}");

    tcp.write_all(b"GET /__emulator/health HTTP/1.1\r\nhost: emulator\r\n\r\n")
        .await
        .unwrap();
    let got = answer(&mut tcp).await;
    assert!(got.starts_with("HTTP/1.1 200 "), "{got}");
}

/// One whole answer: its head, then as many body bytes as its `content-length` says.
async fn answer(tcp: &mut TcpStream) -> String {
    let mut got = Vec::new();
    let mut buf = [0; 4096];
    loop {
        let text = String::from_utf8_lossy(&got).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length: ")
                        .map(str::to_string)
                })
                .map_or(0, |n| n.trim().parse().unwrap());
            if got.len() >= end + 4 + length {
                return text;
            }
        }
        let n = tokio::time::timeout(Duration::from_secs(10), tcp.read(&mut buf))
            .await
            .expect("an answer within 10 s")
            .expect("the answer is read, not reset");
        assert!(n > 0, "closed before a whole answer: {text}");
        got.extend_from_slice(&buf[..n]);
    }
}
