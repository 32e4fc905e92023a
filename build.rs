//! Link settings of the `borderwatch` binary.
//!
//! On glibc Linux the binary is linked with packed relative relocations (DT_RELR): its
//! 60,000 relative relocations take 24 KB instead of 1.4 MB, which every run read and kept
//! resident, so an unchanged `check` of 200 feeds peaks at about 14 MiB instead of 16
//! (docs/benchmarks.md, issue #15). The loader must know DT_RELR (glibc 2.36, Debian 12);
//! linkers add that requirement only when the glibc linked against has it.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
