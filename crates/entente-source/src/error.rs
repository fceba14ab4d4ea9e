use std::path::PathBuf;

/// Why a file could not be read. Every variant names the file; parse errors
/// also carry the position (1-based line and column) in the original bytes.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{}: unsupported file type", path.display())]
    Unsupported { path: PathBuf },
    #[error("{}: binary file (NUL byte at offset {offset})", path.display())]
    Binary { path: PathBuf, offset: usize },
    #[error("{}: not valid text in any known encoding (first bad byte at offset {offset})", path.display())]
    Encoding { path: PathBuf, offset: usize },
    #[error("{}:{line}:{column}: malformed XML: {message}", path.display())]
    Xml {
        path: PathBuf,
        line: u32,
        column: u32,
        message: String,
    },
    #[error("{}: {message}", path.display())]
    Malformed { path: PathBuf, message: String },
    #[error("{}: empty file", path.display())]
    Empty { path: PathBuf },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}
