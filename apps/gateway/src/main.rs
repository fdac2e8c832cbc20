//! `nko-gateway`: parses the configuration, starts the gateway and serves until Ctrl-C or SIGTERM.

use clap::Parser;
use gateway::{Application, GatewayConfig};

/// A request allocates thousands of small strings and values (rows, GraphQL values, JSON); with
/// glibc's allocator a quarter of the gateway's CPU went to malloc and free (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    use std::io::IsTerminal as _;
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    gateway::log_panics_as_one_line();
    let config = GatewayConfig::parse();
    let app = Application::build(&config).await?;
    let first_run = app.first_run();
    if first_run.migrated {
        println!(
            "Создана новая база данных / created a new database: {}",
            config.settings.database_url().split('?').next().unwrap_or_default()
        );
    }
    if first_run.seeded_terms > 0 {
        println!("Загружен профиль региона / loaded the region profile: {} terms", first_run.seeded_terms);
    }
    match &first_run.admin_created {
        Some(Some(password)) => println!(
            "Создана учётная запись admin / created the account admin\n  пароль / password: {password}\n  (показан один раз / shown once)"
        ),
        Some(None) => println!(
            "Создана учётная запись admin с паролем из NKO_ADMIN_PASSWORD / created admin with NKO_ADMIN_PASSWORD"
        ),
        None => {}
    }
    let addr = app.local_addr();
    println!("Консоль (сотрудники / staff console): http://{addr}/console/");
    println!("Каталог НКО (public directory):       http://{addr}/");
    println!("GraphQL (сотрудники / staff):        http://{addr}/graphql");
    println!("GraphQL (публичный каталог / public): http://{addr}/public/graphql");
    println!("Проверка / health:                   http://{addr}/healthz  http://{addr}/readyz");
    app.run_until(shutdown_signal()).await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
