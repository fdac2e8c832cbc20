//! `nko`: parses the command line and runs it; a failure prints its reason and exits with 1.

use clap::Parser;

/// Imports allocate millions of small strings; mimalloc does that about twice as fast as glibc's
/// allocator (measured in docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    let mut out = std::io::stdout().lock();
    match cli::run(cli, &mut out).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("ошибка / error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
