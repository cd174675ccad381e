//! The documentation whose examples the suite runs: README.md and every page of docs/, in a
//! stable order. Shared by the API tests (GraphQL examples) and the process tests (command
//! lines), two binaries, hence a file included by path rather than a crate.

use std::path::PathBuf;

pub fn files() -> Vec<PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut docs: Vec<_> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    let mut files = vec![root.join("README.md")];
    files.extend(docs);
    files
}
