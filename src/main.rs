//! The `vouch` binary: everything lives in the library; see `vouch::cli`.

fn main() -> std::process::ExitCode {
    // vouch prints errors without backtraces, but with RUST_BACKTRACE set every error
    // created would still capture one, and regorus's parser creates (and discards) about
    // 1,700 while it parses the built-in policies (tens of ms of start-up, 6% of a
    // CloudFormation scan's instructions). Panics still get
    // their backtrace (the panic hook reads RUST_BACKTRACE only); RUST_LIB_BACKTRACE set by
    // the user wins.
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        std::env::set_var("RUST_LIB_BACKTRACE", "0");
    }
    vouch::cli::main()
}
