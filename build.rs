//! Bundles GraphiQL for the playground at `GET /graphql`, so that it works on networks without
//! internet access. The assets come from the npm registry (pinned versions, checked against
//! pinned integrity hashes), never from copies kept in the repository. Without npm, or offline
//! at build time, the build still succeeds and the playground loads them from a CDN instead
//! (a warning says so).

use std::path::{Path, PathBuf};
use std::process::Command;

/// npm package, its sha512 integrity, and the files taken from it.
const PACKAGES: [(&str, &str, &[&str]); 3] = [
    (
        "graphiql@3.8.3",
        "sha512-cuPDYtXVKV86Pu5PHBX642Odi/uVEE2y1Jxq5rGO/Qy1G2lRp7ZZ7a/T30RzxhuLSWo9zUbzq0P3U49//H0Ugw==",
        &["graphiql.min.js", "graphiql.min.css", "LICENSE"],
    ),
    (
        "react@18.3.1",
        "sha512-wS+hAgJShR0KhEvPJArfuPVN1+Hz1t0Y6n5jLrGQbkb4urgPE/0Rve+1kMB1v/oWgHgm4WIcV+i7F2pTVj+2iQ==",
        &["umd/react.production.min.js"],
    ),
    (
        "react-dom@18.3.1",
        "sha512-5m4nQKp+rZRb09LNH59GM4BxTh9251/ylbKIbpe7TpGxfJ+9kv6BLkLBXIjjspbgbnIBNqlI23tRnTWT0snUIw==",
        &["umd/react-dom.production.min.js"],
    ),
];

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=SHAREGRAPH_GRAPHIQL_FROM_CDN");
    println!("cargo::rustc-check-cfg=cfg(graphiql_bundled)");
    if std::env::var_os("SHAREGRAPH_GRAPHIQL_FROM_CDN").is_some() {
        return;
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR")).join("graphiql");
    match fetch(&out) {
        Ok(()) => println!("cargo::rustc-cfg=graphiql_bundled"),
        Err(why) => println!(
            "cargo::warning=GraphiQL is not bundled ({why}); the playground will load it from a CDN"
        ),
    }
}

fn fetch(out: &Path) -> Result<(), String> {
    let work = out.join("npm");
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let specs: Vec<&str> = PACKAGES.iter().map(|(spec, _, _)| *spec).collect();
    let packed = Command::new("npm")
        .args(["pack", "--json", "--silent", "--pack-destination"])
        .arg(&work)
        .args(&specs)
        .output()
        .map_err(|e| format!("cannot run npm: {e}"))?;
    if !packed.status.success() {
        return Err(format!(
            "npm pack failed: {}",
            String::from_utf8_lossy(&packed.stderr)
                .lines()
                .next()
                .unwrap_or("")
        ));
    }
    let report = String::from_utf8_lossy(&packed.stdout);
    for (spec, integrity, files) in PACKAGES {
        // npm checked the tarball against the registry's hash; this checks the registry's
        // hash against the one pinned here.
        if !report.contains(integrity) {
            return Err(format!("{spec} does not have the pinned integrity"));
        }
        let tarball = work.join(format!("{}.tgz", spec.replace('@', "-")));
        let unpacked = work.join(spec);
        std::fs::create_dir_all(&unpacked).map_err(|e| e.to_string())?;
        let status = Command::new("tar")
            .arg("xzf")
            .arg(&tarball)
            .arg("-C")
            .arg(&unpacked)
            .status()
            .map_err(|e| format!("cannot run tar: {e}"))?;
        if !status.success() {
            return Err(format!("cannot unpack {}", tarball.display()));
        }
        for file in files {
            let name = Path::new(file).file_name().expect("a file name");
            let target = if *file == "LICENSE" {
                out.join(format!(
                    "{}.LICENSE",
                    spec.split('@').next().unwrap_or(spec)
                ))
            } else {
                out.join(name)
            };
            std::fs::copy(unpacked.join("package").join(file), &target)
                .map_err(|e| format!("{spec}/{file}: {e}"))?;
        }
    }
    Ok(())
}
