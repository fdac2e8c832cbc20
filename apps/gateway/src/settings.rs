//! The gateway's own settings, beside the ones it shares with the CLI (`system::Settings`).

use std::net::SocketAddr;

use system::Settings;

/// The gateway's own settings.
#[derive(clap::Parser, Clone, Debug)]
#[command(name = "nko-gateway", version, about = "GraphQL gateway of the NGO support centre")]
pub struct GatewayConfig {
    /// Shared settings.
    #[command(flatten)]
    pub settings: Settings,
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "NKO_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// The first run's administrator password; when unset, a random one is printed once.
    #[arg(long, env = "NKO_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,
    /// Seconds a request may take before it is cut off.
    #[arg(long, env = "NKO_REQUEST_TIMEOUT", default_value_t = 10)]
    pub request_timeout_secs: u64,
    /// Login attempts one peer address may make per minute (each alias of `login` counts).
    #[arg(long, env = "NKO_LOGIN_ATTEMPTS_PER_MINUTE", default_value_t = 10)]
    pub login_attempts_per_minute: usize,
    /// Marks the console's cookies `Secure`: set it when browsers reach the gateway over HTTPS
    /// (behind a TLS proxy); over plain HTTP a browser would not send them back.
    #[arg(long, env = "NKO_SECURE_COOKIES", default_value_t = false)]
    pub secure_cookies: bool,
}
