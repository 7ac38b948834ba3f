//! Files embedded at build time by `build.rs`: built-in policies, their test cases and the
//! kind schemas. Paths are relative to the repository root (`policies/s3/x.rego`).

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
