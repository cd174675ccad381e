//! Bundles the browser libraries of sharegraph's pages (GraphiQL for the playground at
//! `GET /graphql`, Cytoscape.js for the explorer at `/explore`), so that they work on networks
//! without internet access. The assets are the packages' own tarballs from the npm registry (pinned
//! versions, checked against pinned sha512 integrity hashes), downloaded by this script, so a
//! machine with only the Rust toolchain builds the same binary as one with Node.js; nothing of
//! them is kept in the repository. `SHAREGRAPH_NPM_REGISTRY` names a mirror (an agency's own,
//! say). Without access to the registry (`cargo build --offline` on a machine that has never
//! built, a closed network), the build still succeeds and the playground loads its assets from
//! a CDN instead (the explorer then says it cannot draw); a warning says so.
//! `SHAREGRAPH_GRAPHIQL_FROM_CDN` asks for that on purpose.
//!
//! It also names the pages' own files in `ui/` by a hash of their contents
//! (`SHAREGRAPH_UI_TAG`), so that browsers may cache them for good and still see each change.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine;
use sha2::Digest;

/// npm package, its sha512 integrity, and the files taken from it.
const PACKAGES: [(&str, &str, &str, &[&str]); 4] = [
    (
        "graphiql",
        "3.8.3",
        "sha512-cuPDYtXVKV86Pu5PHBX642Odi/uVEE2y1Jxq5rGO/Qy1G2lRp7ZZ7a/T30RzxhuLSWo9zUbzq0P3U49//H0Ugw==",
        &["graphiql.min.js", "graphiql.min.css", "LICENSE"],
    ),
    (
        "react",
        "18.3.1",
        "sha512-wS+hAgJShR0KhEvPJArfuPVN1+Hz1t0Y6n5jLrGQbkb4urgPE/0Rve+1kMB1v/oWgHgm4WIcV+i7F2pTVj+2iQ==",
        &["umd/react.production.min.js"],
    ),
    (
        "react-dom",
        "18.3.1",
        "sha512-5m4nQKp+rZRb09LNH59GM4BxTh9251/ylbKIbpe7TpGxfJ+9kv6BLkLBXIjjspbgbnIBNqlI23tRnTWT0snUIw==",
        &["umd/react-dom.production.min.js"],
    ),
    (
        "cytoscape",
        "3.35.0",
        "sha512-sMvBIXiGMnhkCaWz2R06FwF/27MNlS+Tqvi17foO9UhnUg3XGZccKjxsvEqQFAQYMSSZmN5SxYzUYlQ0DOJJ3g==",
        &["dist/cytoscape.min.js", "LICENSE"],
    ),
];

const REGISTRY: &str = "https://registry.npmjs.org";

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=SHAREGRAPH_GRAPHIQL_FROM_CDN");
    println!("cargo::rerun-if-env-changed=SHAREGRAPH_NPM_REGISTRY");
    println!("cargo::rustc-check-cfg=cfg(npm_bundled)");
    ui_tag();
    if std::env::var_os("SHAREGRAPH_GRAPHIQL_FROM_CDN").is_some() {
        return;
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR")).join("npm");
    let registry = std::env::var("SHAREGRAPH_NPM_REGISTRY").unwrap_or_else(|_| REGISTRY.to_owned());
    match bundle(&out, registry.trim_end_matches('/')) {
        Ok(()) => println!("cargo::rustc-cfg=npm_bundled"),
        Err(why) => println!(
            "cargo::warning=GraphiQL and Cytoscape.js are not bundled ({why}); the playground \
             will load GraphiQL from a CDN and the explorer cannot draw"
        ),
    }
}

/// A hash of every file in `ui/`, the version in the path the pages load them from.
fn ui_tag() {
    println!("cargo::rerun-if-changed=ui");
    let mut files = Vec::new();
    let mut dirs = vec![PathBuf::from("ui")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("ui/ is readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut hash = sha2::Sha256::new();
    for file in files {
        hash.update(file.to_string_lossy().as_bytes());
        hash.update(std::fs::read(&file).expect("a ui file is readable"));
    }
    let digest = hash.finalize();
    let tag: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    println!("cargo::rustc-env=SHAREGRAPH_UI_TAG={tag}");
}

/// The name a file gets in `out`: a package's licence is named after the package.
fn target(out: &Path, package: &str, file: &str) -> PathBuf {
    if file == "LICENSE" {
        out.join(format!("{package}.LICENSE"))
    } else {
        out.join(Path::new(file).file_name().expect("a file name"))
    }
}

fn bundle(out: &Path, registry: &str) -> Result<(), String> {
    std::fs::create_dir_all(out).map_err(|e| e.to_string())?;
    // The system's roots, not a bundled list: networks that inspect TLS install their own.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(120)))
        .tls_config(
            ureq::tls::TlsConfig::builder()
                .root_certs(ureq::tls::RootCerts::PlatformVerifier)
                .build(),
        )
        .build()
        .into();
    for (package, version, integrity, files) in PACKAGES {
        // Kept from an earlier build of this OUT_DIR: checked when they were written.
        let stamp = out.join(format!("{package}@{version}.ok"));
        if stamp.exists() {
            continue;
        }
        let url = format!("{registry}/{package}/-/{package}-{version}.tgz");
        let tarball = agent
            .get(&url)
            .call()
            .map_err(|e| format!("cannot download {url}: {e}"))?
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_vec()
            .map_err(|e| format!("cannot download {url}: {e}"))?;
        let got = format!(
            "sha512-{}",
            base64::engine::general_purpose::STANDARD.encode(sha2::Sha512::digest(&tarball))
        );
        if got != integrity {
            return Err(format!(
                "{package}@{version} does not have the pinned integrity"
            ));
        }
        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(&tarball[..]));
        let mut found = 0;
        for entry in archive.entries().map_err(|e| e.to_string())? {
            let mut entry = entry.map_err(|e| e.to_string())?;
            let path = entry.path().map_err(|e| e.to_string())?.into_owned();
            let Some(file) = files.iter().find(|f| path == Path::new("package").join(f)) else {
                continue;
            };
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).map_err(|e| e.to_string())?;
            std::fs::write(target(out, package, file), bytes)
                .map_err(|e| format!("{package}/{file}: {e}"))?;
            found += 1;
        }
        if found != files.len() {
            return Err(format!(
                "{package}@{version} lacks some of {}",
                files.join(", ")
            ));
        }
        std::fs::write(&stamp, integrity).map_err(|e| e.to_string())?;
    }
    Ok(())
}
