//! The `vouch` binary: everything lives in the library; see `vouch::cli`.

// mimalloc rather than the system allocator: regorus allocates small strings and vectors on
// every call it evaluates, and parsers allocate per node. Measured on the corpus: Terraform
// scans spend about a quarter less CPU, CloudFormation scans peak 4 MiB lower. `no_thp`
// keeps it from asking for transparent huge pages, which added ~20 MiB of peak RSS.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // vouch prints errors without backtraces, but with RUST_BACKTRACE set every error
    // created would still capture one, and regorus's parser creates (and discards) about
    // 1,700 while it parses the built-in policies (tens of ms of start-up, 6% of a
    // CloudFormation scan's instructions). Panics still get their backtrace (the panic hook
    // reads RUST_BACKTRACE only); a RUST_LIB_BACKTRACE the user sets wins.
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        std::env::set_var("RUST_LIB_BACKTRACE", "0");
    }
    vouch::cli::main()
}
