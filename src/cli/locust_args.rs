//! The arguments of `runner export locust` and `runner load`.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use runner::spec::duration::parse_duration;

/// `runner export locust`.
#[derive(Debug, Args)]
pub struct ExportLocustArgs {
    /// The runner collection.
    #[arg(value_name = "FILE.yaml")]
    pub collection: PathBuf,
    /// Write the locustfile here (default: stdout).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with code 2, writing nothing, if anything could not be expressed.
    #[arg(long)]
    pub strict: bool,
    /// The environment the locustfile runs by default (RUNNER_ENV chooses another when it runs).
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    /// CSV or JSON rows, embedded and spread over the users' iterations.
    #[arg(long, value_name = "FILE", value_parser = super::pipes::input_path)]
    pub data: Option<PathBuf>,
}

/// `runner load`.
#[derive(Debug, Args)]
pub struct LoadArgs {
    /// The runner collection.
    #[arg(value_name = "FILE.yaml")]
    pub collection: PathBuf,
    /// Concurrent users, each running the collection over and over.
    #[arg(long, short = 'u', default_value_t = 10, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub users: u32,
    /// Users started per second (default: all at once).
    #[arg(long, short = 'r', value_name = "R", value_parser = parse_rate)]
    pub spawn_rate: Option<f64>,
    /// How long the load lasts (`10s`, `5m`).
    #[arg(long, short = 't', default_value = "30s", value_name = "DURATION", value_parser = parse_run_time)]
    pub run_time: Duration,
    /// Locust worker processes on this machine, for more than one CPU (default: one process).
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u32).range(1..=256))]
    pub workers: Option<u32>,
    /// Iterations of the collection per user, then the user stops (default: until the time is up).
    #[arg(long, short = 'n', value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub iterations: Option<u32>,
    /// Choose an environment (default: the collection's default_environment).
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    /// Set a variable over every other definition (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = super::secret_arg::parse_key_value)]
    pub vars: Vec<(String, String)>,
    /// Like --var, masked in every output; passed to Locust in its environment, never in a file.
    #[arg(long = "secret", value_name = "NAME=VALUE", value_parser = super::secret_arg::parse_secret_pair)]
    pub secrets: Vec<(String, String)>,
    /// CSV or JSON rows, spread over the users' iterations.
    #[arg(long, value_name = "FILE", value_parser = super::pipes::input_path)]
    pub data: Option<PathBuf>,
    /// Fail (exit 1) when a step's median response time is higher.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration_arg)]
    pub max_p50: Option<Duration>,
    /// Fail (exit 1) when a step's 95th percentile response time is higher.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration_arg)]
    pub max_p95: Option<Duration>,
    /// Fail (exit 1) when a step's 99th percentile response time is higher.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration_arg)]
    pub max_p99: Option<Duration>,
    /// Fail (exit 1) when more of a step's requests fail (default: 0%, any failure fails).
    #[arg(long, value_name = "PERCENT", value_parser = runner::spec::load::parse_percent)]
    pub max_failure_rate: Option<f64>,
    /// Refuse (exit 2) a collection with anything the locustfile cannot express.
    #[arg(long)]
    pub strict: bool,
    /// Keep the generated locustfile and the run's statistics (JSON) in this directory.
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
}

fn parse_rate(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(rate) if rate > 0.0 && rate.is_finite() => Ok(rate),
        _ => Err(format!(
            "`{text}` is not a positive number of users per second"
        )),
    }
}

fn parse_duration_arg(text: &str) -> Result<Duration, String> {
    parse_duration(text).map_err(|e| e.to_string())
}

fn parse_run_time(text: &str) -> Result<Duration, String> {
    let duration = parse_duration_arg(text)?;
    if duration < Duration::from_secs(1) {
        return Err(format!(
            "`{text}` is shorter than Locust's shortest run of 1s"
        ));
    }
    Ok(duration)
}
