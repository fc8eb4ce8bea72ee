use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = match wazo_plugin::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return std::process::ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    std::process::ExitCode::from(wazo_plugin::cli::run(cli))
}
