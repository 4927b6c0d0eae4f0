use std::process::ExitCode;

/// The build allocates many small strings on every thread at once (pages, tokens, index
/// postings), where mimalloc is markedly faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    testimony::cli::run()
}
