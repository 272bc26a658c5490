//! Sets `flyte_link_section` on targets whose linkers give a link section start and stop
//! symbols (ELF and Mach-O): there tasks register in a section (src/task/registry.rs), on
//! others through `inventory`. One copy of the target list, read by both sides.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rustc-check-cfg=cfg(flyte_link_section)");
    let var = |name| std::env::var(name).unwrap_or_default();
    let os = var("CARGO_CFG_TARGET_OS");
    let elf = [
        "linux",
        "android",
        "freebsd",
        "netbsd",
        "openbsd",
        "dragonfly",
        "illumos",
    ];
    if elf.contains(&os.as_str()) || var("CARGO_CFG_TARGET_VENDOR") == "apple" {
        println!("cargo::rustc-cfg=flyte_link_section");
    }
}
