//! `tapedeck`: the one binary. Parses the command line and hands off to `serve` or `admin`.

mod admin;
mod bootstrap;
mod config;
mod end_user_cmd;
mod export_cmd;
mod keys;
mod serve;
mod tls;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "tapedeck",
    version,
    about = "Self-hosted session recording and replay"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Config file [default: ./tapedeck.toml when it exists]
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(flatten)]
    settings: config::ConfigLayer,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs the server: ingest, API, web app, SDK files.
    Serve,
    /// Applies database migrations and exits.
    Migrate,
    /// Administration of users and projects (works while a server runs on the same data).
    #[command(subcommand)]
    Admin(admin::AdminCommand),
    /// Writes one session to a file: a portable `.tapedeck` file or an HTML page that replays
    /// offline.
    Export(export_cmd::ExportArgs),
    /// Imports a `.tapedeck` file as a session of a project.
    Import(export_cmd::ImportArgs),
    /// Shows configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Prints the annotated default configuration.
    Print,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new("info,tower_http=warn,sqlx=warn")
            }),
        )
        .with_writer(std::io::stderr)
        .init();
    if let Command::Config(ConfigCommand::Print) = cli.command {
        #[allow(
            clippy::print_stdout,
            reason = "printing the config is the command's output"
        )]
        {
            print!("{}", config::ANNOTATED_DEFAULTS);
        }
        return Ok(());
    }
    let config = config::load(cli.settings, cli.config.as_deref())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        match cli.command {
            Command::Serve => serve::run(config).await,
            Command::Migrate => serve::open_meta(&config).await.map(|_| ()),
            Command::Admin(command) => admin::run(command, &config).await,
            Command::Export(args) => export_cmd::export(args, &config).await,
            Command::Import(args) => export_cmd::import(args, &config).await,
            Command::Config(_) => unreachable!("handled before the runtime starts"),
        }
    })
}
