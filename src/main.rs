use std::process::ExitCode;

fn main() -> ExitCode {
    testimony::cli::run()
}
