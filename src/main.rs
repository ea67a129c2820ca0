use clap::Parser;
use forum::cli::{AdminCommand, Cli, Command};

/// Start-up errors are one line that says what to fix, never a backtrace.
fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    // `check` needs no configuration or database: it reads stdin and writes stdout.
    if let Some(Command::Check) = cli.command {
        let result = forum::cli::check(std::io::stdin().lock(), std::io::stdout().lock());
        return match result {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("forum: {e:#}");
                std::process::ExitCode::FAILURE
            }
        };
    }
    let config = forum::config::Config::load();
    forum::init_tracing();
    let result = config.and_then(|config| match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config),
        Command::Migrate => forum::cli::migrate(&config),
        Command::Check => Ok(()),
        Command::Seed { posts } => forum::cli::seed(&config, posts),
        Command::Backup { to } => forum::cli::backup(&config, &to),
        Command::Restore { from } => forum::cli::restore(&config, &from),
        Command::Admin { command: AdminCommand::Create { email, name } } => {
            forum::cli::create_admin(&config, &email, &name).map(|link| {
                println!("Admin created. Open this link within 24 hours to set the password (it works once):\n{link}");
            })
        }
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // Drivers' messages can span lines (libpq's do); an operator gets one.
            let line = format!("{e:#}").split_whitespace().collect::<Vec<_>>().join(" ");
            eprintln!("forum: {line}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn serve(config: forum::config::Config) -> anyhow::Result<()> {
    tune_malloc();
    actix_web::rt::System::new().block_on(async move {
        let address = config.base_url.clone();
        let app = forum::startup::Application::build(config)?;
        println!("Forum listening on {address} (press Ctrl+C to stop)");
        app.run_until_stopped().await?;
        Ok(())
    })
}

/// Two glibc tunables that keep peak memory down (BENCHMARKS.md has the figures). Each thread
/// that allocates under contention would get an arena of its own, and the server's worker and
/// blocking threads would each keep one: two arenas hold peak memory about a fifth lower at the
/// same request rate. And a large block, once freed, would raise the threshold above which
/// blocks are mapped on their own: argon2's 19 MiB would then come from an arena and stay there
/// after the sign-in, so the threshold is fixed at glibc's starting value and every block that
/// large goes back to the system when it is freed. Other allocators: nothing.
fn tune_malloc() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator tunables; it is called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}
