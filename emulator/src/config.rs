//! Command-line flags.

use std::path::PathBuf;

use crate::faults::Fault;

pub const DEFAULT_KEY: &str = "afk_local_dev";

pub const USAGE: &str = "\
apiframe-emulator: a local emulator of Apiframe's v2 image API (model reve-create)

USAGE: apiframe-emulator [OPTIONS]

  --host HOST          address to bind (default 127.0.0.1)
  --port PORT          port to bind; 0 picks a free one (default 8787)
  --job-ms MS          mean job duration in milliseconds (default 15000)
  --api-key KEY        accepted API key; repeat for more (default afk_local_dev)
  --credits N          starting credits of each key (default 1000000; a job costs 4)
  --www DIR            serve a folder of static files at /
  --mount PREFIX=DIR   serve a folder at /PREFIX (repeatable)
  --seed N             seed of the emulator's randomness (default 1)
  --retention-ms MS    how long output files live before jobs read expired (default 86400000)
  --max-jobs N         jobs kept in memory; the oldest are evicted past it (default 100000)
  --fault SPEC         queue a fault: KIND[:COUNT][@ROUTE], repeatable. KIND: 429 500 503 html
                       malformed reset lost_response slow job_failed job_cancelled
                       webhook_delay webhook_duplicate webhook_out_of_order webhook_lost
                       webhook_bad_signature (these last five: the next COUNT jobs' webhooks);
                       ROUTE: any generate job list file (default any: every /v2 route)
  --rate-limit N       requests a second per API key on /v2 routes (token bucket); default off
  -h, --help           this text
";

#[derive(Debug, Clone)]
pub struct Config {
    pub host: String,
    pub port: u16,
    pub job_ms: u64,
    pub api_keys: Vec<String>,
    pub credits: u64,
    pub www: Option<PathBuf>,
    pub mounts: Vec<(String, PathBuf)>,
    pub seed: u64,
    pub retention_ms: u64,
    pub max_jobs: usize,
    pub faults: Vec<Fault>,
    /// Requests a second per API key; `None`: no limit.
    pub rate_limit: Option<u32>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            host: "127.0.0.1".into(),
            port: 8787,
            job_ms: 15_000,
            api_keys: Vec::new(),
            credits: 1_000_000,
            www: None,
            mounts: Vec::new(),
            seed: 1,
            retention_ms: 24 * 3600 * 1000,
            max_jobs: 100_000,
            faults: Vec::new(),
            rate_limit: None,
        }
    }
}

pub enum Parsed {
    Run(Config),
    Help,
}

fn number<T: std::str::FromStr>(flag: &str, v: &str) -> Result<T, String> {
    v.parse()
        .map_err(|_| format!("{flag} takes a number, got '{v}'"))
}

pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Parsed, String> {
    let mut c = Config::default();
    let mut it = args.into_iter();
    while let Some(flag) = it.next() {
        if flag == "-h" || flag == "--help" {
            return Ok(Parsed::Help);
        }
        let (flag, inline) = match flag.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (flag, None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or(format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--host" => c.host = value()?,
            "--port" => c.port = number(&flag, &value()?)?,
            "--job-ms" => c.job_ms = number(&flag, &value()?)?,
            "--api-key" => c.api_keys.push(value()?),
            "--credits" => c.credits = number(&flag, &value()?)?,
            "--www" => c.www = Some(value()?.into()),
            "--mount" => {
                let v = value()?;
                let (prefix, dir) = v
                    .split_once('=')
                    .ok_or(format!("--mount takes PREFIX=DIR, got '{v}'"))?;
                c.mounts
                    .push((format!("/{}", prefix.trim_matches('/')), dir.into()));
            }
            "--seed" => c.seed = number(&flag, &value()?)?,
            "--retention-ms" => c.retention_ms = number(&flag, &value()?)?,
            "--max-jobs" => c.max_jobs = number(&flag, &value()?)?,
            "--fault" => c.faults.push(Fault::parse_flag(&value()?)?),
            "--rate-limit" => {
                c.rate_limit = Some(number::<u32>(&flag, &value()?)?).filter(|n| *n > 0)
            }
            other => return Err(format!("unknown option '{other}' (see --help)")),
        }
    }
    if c.api_keys.is_empty() {
        c.api_keys.push(DEFAULT_KEY.into());
    }
    Ok(Parsed::Run(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Config, String> {
        match parse(args.iter().map(|s| s.to_string()))? {
            Parsed::Run(c) => Ok(c),
            Parsed::Help => Err("help".into()),
        }
    }

    #[test]
    fn defaults_and_flags() {
        let c = run(&[]).unwrap();
        assert_eq!(
            (c.port, c.job_ms, c.api_keys.clone()),
            (8787, 15_000, vec![DEFAULT_KEY.to_string()])
        );
        let c = run(&[
            "--port",
            "0",
            "--job-ms=300",
            "--api-key",
            "a",
            "--api-key",
            "b",
            "--fault",
            "503:2",
        ])
        .unwrap();
        assert_eq!(
            (c.port, c.job_ms, c.api_keys.len(), c.faults.len()),
            (0, 300, 2, 1)
        );
        assert_eq!(c.rate_limit, None);
        assert_eq!(run(&["--rate-limit", "5"]).unwrap().rate_limit, Some(5));
        assert_eq!(run(&["--rate-limit=0"]).unwrap().rate_limit, None);
        assert!(run(&["--rate-limit", "-1"]).is_err());
        assert!(run(&["--port", "x"]).is_err());
        assert!(run(&["--nope"]).is_err());
    }
}
