//! Embeds the sample corpus (`examples/corpus/`) into the binary, so that
//! `entente demo` works from any folder.

use std::error::Error;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The extensions the readers support; anything else in the folder (a
/// README, an editor's backup) stays out.
const EXTENSIONS: &[&str] = &["txt", "md", "html", "htm", "xml"];

fn main() -> Result<(), Box<dyn Error>> {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let corpus = manifest.join("../../examples/corpus");
    // A directory here makes cargo rerun when any file under it changes.
    println!("cargo:rerun-if-changed={}", corpus.display());
    let mut files = Vec::new();
    if corpus.is_dir() {
        collect(&corpus, &mut files)?;
    } else {
        println!(
            "cargo:warning=no sample corpus at {}; `entente demo` will be empty",
            corpus.display()
        );
    }
    files.sort();
    let mut src = String::from(
        "/// The bundled sample corpus: `(path, bytes)` pairs, paths relative to\n\
         /// the repository root, sorted.\n\
         pub static CORPUS: &[(&str, &[u8])] = &[\n",
    );
    for file in &files {
        let abs = file.canonicalize()?;
        let rel = file.strip_prefix(&corpus)?;
        let name = format!(
            "examples/corpus/{}",
            rel.to_string_lossy().replace('\\', "/")
        );
        writeln!(
            src,
            "    ({name:?}, include_bytes!({:?})),",
            abs.to_string_lossy()
        )?;
    }
    src.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR")?).join("corpus.rs");
    std::fs::write(out, src)?;
    Ok(())
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), Box<dyn Error>> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        {
            out.push(path);
        }
    }
    Ok(())
}
