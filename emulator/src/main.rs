//! apiframe-emulator: a local stand-in for Apiframe's v2 image API (`reve-create`), used by the
//! demo with no API key and by every test of apiframe-reve.

mod api;
mod aspect_ratio;
mod clock;
mod config;
mod control;
mod driver;
mod errors;
mod fault_answer;
mod faults;
mod file_requests;
mod image;
mod job;
mod rate_limit;
mod server;
mod state;
mod token_bucket;
mod validate;
mod webhook;
mod webhook_plan;

use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use apiframe_emulator::{rng, timeline};
use config::{Config, Parsed};

pub struct Emulator {
    pub config: Config,
    pub addr: SocketAddr,
    state: Mutex<state::State>,
    pub http: reqwest::Client,
}

impl Emulator {
    /// The state lock; a handler that panicked while holding it leaves the data usable.
    pub fn lock(&self) -> MutexGuard<'_, state::State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[tokio::main]
async fn main() {
    let config = match config::parse(std::env::args().skip(1)) {
        Ok(Parsed::Run(c)) => c,
        Ok(Parsed::Help) => {
            print!("{}", config::USAGE);
            return;
        }
        Err(e) => {
            eprintln!("apiframe-emulator: {e}");
            std::process::exit(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind((config.host.as_str(), config.port)).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!(
                "apiframe-emulator: cannot listen on {}:{}: {e}",
                config.host, config.port
            );
            std::process::exit(1);
        }
    };
    let addr = listener
        .local_addr()
        .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], config.port)));
    for key in &config.api_keys {
        eprintln!(
            "apiframe-emulator: API key {key} ({} credits, a job costs {})",
            config.credits,
            state::REVE_COST
        );
    }
    eprintln!("apiframe-emulator: jobs take about {} ms", config.job_ms);
    if let Some(n) = config.rate_limit {
        eprintln!("apiframe-emulator: rate limit {n} requests a second per API key");
    }
    for f in &config.faults {
        eprintln!(
            "apiframe-emulator: queued fault {}",
            serde_json::to_string(f).unwrap_or_default()
        );
    }
    let emu = Arc::new(Emulator {
        state: Mutex::new(state::State::new(&config)),
        config,
        addr,
        http: reqwest::Client::new(),
    });

    let sweeper = emu.clone();
    tokio::spawn(async move {
        let every = Duration::from_millis((sweeper.config.retention_ms / 4).clamp(100, 60_000));
        loop {
            tokio::time::sleep(every).await;
            sweeper
                .lock()
                .sweep(clock::now_ms(), sweeper.config.retention_ms);
        }
    });

    println!("listening on http://{addr}");
    let _ = std::io::stdout().flush();
    let app = server::router(emu);
    if let Err(e) = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown())
        .await
    {
        eprintln!("apiframe-emulator: {e}");
        std::process::exit(1);
    }
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
