use std::path::{Path, PathBuf};

/// Why a file could not be read. Every variant names the file; parse errors
/// also carry the position (1-based line and column) in the original bytes.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The extension is not one Entente reads.
    #[error("{}: unsupported file type", path.display())]
    Unsupported {
        /// The file.
        path: PathBuf,
    },
    /// A NUL byte in the first 8 KiB (and no UTF-16 byte-order mark).
    #[error("{}: binary file (NUL byte at offset {offset})", path.display())]
    Binary {
        /// The file.
        path: PathBuf,
        /// Byte offset of the first NUL.
        offset: usize,
    },
    /// Not UTF-8, and not plausible text in a legacy encoding either.
    #[error("{}: not valid text in any known encoding (first bad byte at offset {offset})", path.display())]
    Encoding {
        /// The file.
        path: PathBuf,
        /// Byte offset of the first byte that is not valid UTF-8.
        offset: usize,
    },
    /// Malformed XML.
    #[error("{}:{line}:{column}: malformed XML: {message}", path.display())]
    Xml {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: u32,
        /// 1-based column (in characters).
        column: u32,
        /// The parser's message.
        message: String,
    },
    /// Any other structural problem.
    #[error("{}: {message}", path.display())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Empty or whitespace-only.
    #[error("{}: empty file", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// The file could not be read from disk.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
}

impl ReadError {
    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            ReadError::Unsupported { path }
            | ReadError::Binary { path, .. }
            | ReadError::Encoding { path, .. }
            | ReadError::Xml { path, .. }
            | ReadError::Malformed { path, .. }
            | ReadError::Empty { path }
            | ReadError::Io { path, .. } => path,
        }
    }
}
