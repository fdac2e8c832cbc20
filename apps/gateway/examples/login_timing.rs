//! Benchmark (security plan S3): how long `login` takes for an unknown login and for a known
//! login with a wrong password, over the real stores on a fresh SQLite file. The two must be
//! close, so that timing does not tell which logins exist.
//!
//! `cargo run --release -p gateway --example login_timing [SAMPLES]` (default 200 of each).

use std::time::Instant;

use access::{LoginAttempt, LoginLimits};
use kernel::Channel;
use system::Settings;
use system::bootstrap::open_for_gateway;

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let samples: usize = std::env::args().nth(1).map(|s| s.parse()).transpose()?.unwrap_or(200);
    let dir = std::env::temp_dir().join(format!("nko-login-timing-{}", std::process::id()));
    let settings = Settings {
        data_dir: dir.clone(),
        database_url: None,
        profile: None,
        catalogue: None,
        permissions: None,
        audit_key_file: None,
    };
    let unlimited = LoginLimits {
        per_peer: usize::MAX,
        failures_per_pair: usize::MAX,
        failures_per_login: usize::MAX,
        ..LoginLimits::default()
    };
    let (system, _) = open_for_gateway(&settings, Some("the administrator's password"), unlimited).await?;
    let access = &system.services.access;
    let (mut unknown, mut known) = (Vec::with_capacity(samples), Vec::with_capacity(samples));
    for n in 0..samples * 2 {
        let login = if n % 2 == 0 { "nobody-here" } else { "admin" };
        let attempt = LoginAttempt {
            login,
            password: "a wrong password",
            peer: "bench",
            channel: Channel::Cli,
            request_id: "bench",
        };
        let start = Instant::now();
        let refused = access.login(attempt).await;
        let elapsed = start.elapsed().as_secs_f64() * 1000.0;
        anyhow::ensure!(refused.is_err(), "a wrong password was accepted");
        if n % 2 == 0 { unknown.push(elapsed) } else { known.push(elapsed) }
    }
    let (u, k) = (median(unknown), median(known));
    println!(
        "login, {samples} samples each (medians): unknown login {u:.1} ms, known login with a wrong password {k:.1} ms, difference {:.1} %",
        (u - k).abs() / k * 100.0
    );
    drop(system);
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}
