//! The `vouch` binary: everything lives in the library; see `vouch::cli`.

fn main() -> std::process::ExitCode {
    vouch::cli::main()
}
