//! What reqwest alone costs on W1 of `bench/run`: the same requests runner sends (authenticate,
//! then N authorised GETs of the 10 KB page, each body read whole), sent with a client set up as
//! runner's is (rustls, `tcp_nodelay`, no redirects, one-thread runtime) and nothing else: no
//! templates, no checks, no captures, no output.
//!
//! `bench/run` times it beside runner's W1, so that runner's time above the round trip splits
//! into the part reqwest takes (a fixed choice of the project) and runner's own.
//!
//! ```text
//! cargo run --release --example reqwest_floor -- http://127.0.0.1:18080 1000
//! ```

use std::process::ExitCode;

const PAGE: &str = "/api/v1/endpoint?page=1&per_page=20&sort=id";

fn main() -> ExitCode {
    let mut arguments = std::env::args().skip(1);
    let (Some(base), steps) = (arguments.next(), arguments.next()) else {
        eprintln!("usage: reqwest_floor BASE_URL [N]");
        return ExitCode::from(2);
    };
    let steps: usize = match steps.as_deref().map(str::parse).unwrap_or(Ok(1000)) {
        Ok(steps) => steps,
        Err(error) => {
            eprintln!("error: N: {error}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(base.trim_end_matches('/'), steps)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(base: &str, steps: usize) -> Result<(), Box<dyn std::error::Error>> {
    let client = reqwest::Client::builder()
        .user_agent("runner")
        .tcp_nodelay(true)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()?;
    let answer = client
        .post(format!("{base}/api/v1/authenticate"))
        .header("content-type", "application/json")
        .body(r#"{"application_token":"bench"}"#)
        .send()
        .await?
        .bytes()
        .await?;
    let token = serde_json::from_slice::<serde_json::Value>(&answer)?["auth_token"]
        .as_str()
        .ok_or("the answer to authenticate holds no auth_token")?
        .to_owned();
    let bearer = reqwest::header::HeaderValue::try_from(format!("Bearer {token}"))?;
    let page = reqwest::Url::parse(&format!("{base}{PAGE}"))?;
    for _ in 0..steps {
        let response = client
            .get(page.clone())
            .header(reqwest::header::AUTHORIZATION, bearer.clone())
            .send()
            .await?;
        if response.status() != reqwest::StatusCode::OK {
            return Err(format!("GET {page}: {}", response.status()).into());
        }
        std::hint::black_box(response.bytes().await?);
    }
    Ok(())
}
